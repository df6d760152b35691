// The assertion editor offers the value input its predicate's type takes: an entity, a
// choice (with the predicate's choices suggested), a number (and a high bound for "between"),
// or yes/no. The others are hidden, not cleared, so nothing typed is lost on a change of mind.
'use strict';
(function () {
  const VALUE_FIELDS = ['object', 'choice', 'number', 'boolean'];

  function predicateTypes() {
    const node = document.getElementById('ws-predicate-types');
    return node ? JSON.parse(node.textContent) : {};
  }

  function boxOf(form, name) {
    const input = form.querySelector('[name$="-' + name + '"]');
    return input ? input.closest('.fieldBox') || input.closest('.form-row') : null;
  }

  function show(box, visible) {
    if (box) box.classList.toggle('ws-hidden-value', !visible);
  }

  function suggestChoices(form, choices) {
    const input = form.querySelector('input[name$="-choice"]');
    if (!input) return;
    const id = input.id + '-choices';
    let list = document.getElementById(id);
    if (!list) {
      list = document.createElement('datalist');
      list.id = id;
      input.after(list);
      input.setAttribute('list', id);
    }
    list.replaceChildren(...choices.map(function (choice) {
      const option = document.createElement('option');
      option.value = choice;
      return option;
    }));
  }

  function update(form, types) {
    const predicate = form.querySelector('select[name$="-predicate"]');
    if (!predicate) return;
    const type = types[predicate.value];
    const comparator = form.querySelector('select[name$="-comparator"]');
    VALUE_FIELDS.forEach(function (name) {
      show(boxOf(form, name), !type || type.field === name);
    });
    const numeric = !type || type.field === 'number';
    show(boxOf(form, 'comparator'), numeric);
    show(boxOf(form, 'number_high'), numeric && (!comparator || comparator.value === 'between'));
    if (type && type.field === 'choice') suggestChoices(form, type.choices || []);
  }

  function formOf(element) {
    return element.closest('.inline-related');
  }

  document.addEventListener('DOMContentLoaded', function () {
    const types = predicateTypes();
    document.querySelectorAll('.inline-related').forEach(function (form) { update(form, types); });
    const refresh = function (event) {
      const form = formOf(event.target);
      if (form && event.target.matches('select[name$="-predicate"], select[name$="-comparator"]')) {
        update(form, types);
      }
    };
    document.addEventListener('change', refresh);
    // The predicate picker is a Select2 autocomplete, which announces changes through jQuery.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on('change', 'select', refresh);
    }
    document.addEventListener('formset:added', function (event) {
      update(event.target, types);
    });
  });
})();
