/* Accessible names for the widgets Django's admin scripts draw after the page loads. */
(function () {
  'use strict';

  function labelId(id) {
    const label = document.querySelector('label[for="' + id + '"]');
    if (!label) { return ''; }
    label.id = label.id || id + '-label';
    return label.id;
  }

  function fix() {
    // filter_horizontal: the search icon is a <span> with an aria-label, which needs a role.
    document.querySelectorAll('.search-label-icon[aria-label]').forEach(function (icon) {
      icon.setAttribute('role', 'img');
    });
    // autocomplete_fields: select2's combobox is named by its selection alone (empty at first);
    // name it by the field's label, then the selection.
    document.querySelectorAll('select.admin-autocomplete').forEach(function (select) {
      const box = select.parentElement.querySelector('.select2-selection[role="combobox"]');
      const label = labelId(select.id);
      if (box && label) {
        box.setAttribute('aria-labelledby', (label + ' ' + (box.getAttribute('aria-labelledby') || '')).trim());
        // The selection inside is read as part of the combobox's name, not as a nameless textbox.
        box.querySelectorAll('.select2-selection__rendered[role="textbox"]').forEach(function (shown) {
          shown.removeAttribute('role');
          shown.removeAttribute('aria-readonly');
        });
      }
      // A many-to-many autocomplete types into a search box inside the selection, which select2
      // draws again after each choice: name it now and every time.
      const field = document.querySelector('label[for="' + select.id + '"]');
      if (field && select.multiple) {
        const name = 'Search ' + field.textContent.replace(/:\s*$/, '').trim();
        const nameSearch = function () {
          select.parentElement.querySelectorAll('.select2-search__field:not([aria-label])').forEach(function (search) {
            search.setAttribute('aria-label', name);
          });
        };
        nameSearch();
        new MutationObserver(nameSearch).observe(select.parentElement, { childList: true, subtree: true });
      }
    });
  }

  window.addEventListener('load', function () { window.setTimeout(fix, 0); });
})();
