// Enhancements only: every journey works without this file.
(function () {
  'use strict'
  // Error summary links move focus to the field, keeping its label in view.
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('.error-summary-list a')
    if (!link) return
    var id = link.getAttribute('href').slice(1)
    var field = document.getElementById(id)
    if (!field) return
    event.preventDefault()
    var group = field.closest('.form-group') || field
    group.scrollIntoView()
    field.focus({ preventScroll: true })
  })
  // A second press of a submit button while the first is on its way does nothing.
  document.addEventListener('submit', function (event) {
    var form = event.target
    if (form.getAttribute('data-submitted') === 'true') {
      event.preventDefault()
      return
    }
    if (form.querySelector('[data-prevent-double-click="true"]')) form.setAttribute('data-submitted', 'true')
  })
})()
