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
  // Every wait counts from the server's own answers (seconds from its now, not times of day):
  // the browser's clock may be wrong by any amount. And never a question sooner than FLOOR_MS
  // after the last one, whatever the answers say.
  var warning = document.getElementById('session-warning')
  if (warning && window.fetch) {
    var FLOOR_MS = 30000
    var statusUrl = warning.getAttribute('data-status-url')
    var timer
    var before = null
    var seconds = function (value) {
      var n = Number(value)
      return isFinite(n) && n > 0 ? n * 1000 : 0
    }
    var schedule = function (ms) {
      window.clearTimeout(timer)
      timer = window.setTimeout(check, Math.min(Math.max(FLOOR_MS, ms), 2147483647))
    }
    var apply = function (s) {
      if (!s || !s.signedIn) { window.location.reload(); return }
      if (!s.warn) {
        if (!warning.hidden) {
          warning.hidden = true
          // Back to where the person was before the warning took focus.
          if (before && before.focus && document.contains(before)) before.focus()
        }
        schedule(seconds(s.secondsToWarn))
        return
      }
      if (warning.hidden) {
        before = document.activeElement
        warning.hidden = false
        var button = warning.querySelector('button')
        if (button) button.focus()
      }
      schedule(seconds(s.secondsLeft) + 1000)
    }
    var check = function () {
      window
        .fetch(statusUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { return r.json() })
        .then(apply)
        .catch(function () { schedule(FLOOR_MS) /* offline: try again later; the plain form still works */ })
    }
    // "Continue session" without leaving the page: what is typed elsewhere on it stays.
    warning.addEventListener('submit', function (event) {
      var form = event.target
      if (!window.FormData || !window.URLSearchParams) return
      event.preventDefault()
      window
        .fetch(form.getAttribute('action'), {
          method: 'POST',
          credentials: 'same-origin',
          headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
          body: new window.URLSearchParams(new window.FormData(form)).toString(),
        })
        .then(function (r) {
          if (!r.ok) throw new Error(String(r.status))
          return r.json()
        })
        .then(apply)
        .catch(function () { form.submit() })
    })
    schedule(seconds(warning.getAttribute('data-seconds-to-warn')))
  }
})()
