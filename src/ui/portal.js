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

  // The idle warning: shown 2 minutes before the session ends. Before showing it, ask
  // the server (without counting as activity) in case another tab kept the session alive.
  var warning = document.getElementById('session-warning')
  if (warning && window.fetch) {
    var statusUrl = warning.getAttribute('data-status-url')
    var schedule = function (warnAt) {
      var wait = Math.max(0, new Date(warnAt).getTime() - Date.now())
      window.setTimeout(check, Math.min(wait, 2147483647))
    }
    var check = function () {
      window
        .fetch(statusUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { return r.json() })
        .then(function (s) {
          if (!s.signedIn) { window.location.reload(); return }
          if (!s.warn) { warning.hidden = true; schedule(s.warnAt); return }
          warning.hidden = false
          var button = warning.querySelector('button')
          if (button) button.focus()
          window.setTimeout(check, Math.max(1000, s.secondsLeft * 1000 + 1000))
        })
        .catch(function () { /* offline: the plain form still works */ })
    }
    schedule(warning.getAttribute('data-warn-at'))
  }
})()
