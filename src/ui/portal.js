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
  if (warning && window.fetch && window.URLSearchParams) {
    var FLOOR_MS = 30000
    var statusUrl = warning.getAttribute('data-status-url')
    // The page's main form, if it named one: when the session ends, what is typed in it is sent to be
    // kept (never processed), as the no-script "Continue session" button does, and comes back after signing in.
    var keepId = warning.getAttribute('data-keep-form')
    var keepForm = keepId ? document.getElementById(keepId) : null
    var keepUrl = warning.getAttribute('data-keep-url')
    var kept = false
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
    // The form's fields as its post would send them, without passwords or files (never kept).
    var typing = function () {
      var params = new window.URLSearchParams()
      var elements = keepForm.elements || []
      for (var i = 0; i < elements.length; i++) {
        var el = elements[i]
        var type = String(el.type || '').toLowerCase()
        if (!el.name || el.disabled || /^(password|file|submit|button|reset|image)$/.test(type)) continue
        if ((type === 'checkbox' || type === 'radio') && !el.checked) continue
        if (type === 'select-multiple') {
          for (var j = 0; j < el.options.length; j++) if (el.options[j].selected) params.append(el.name, el.options[j].value)
          continue
        }
        params.append(el.name, el.value)
      }
      params.append('_keep', warning.getAttribute('data-keep-action') || '')
      return params.toString()
    }
    var post = function (url, body) {
      return window
        .fetch(url, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
          body: body,
        })
        .then(function (r) {
          // Refused (the session was replaced meanwhile, e.g. in another tab): as if signed out.
          return r.ok ? r.json() : { signedIn: false }
        })
    }
    // Signed out: to where the server said (the sign-in page, which says why), else this page again (which leads there).
    var leave = function (s) {
      var next = s && typeof s.next === 'string' && /^\/[^/\\]/.test(s.next) ? s.next : null
      if (next) window.location.assign(next)
      else window.location.reload()
    }
    var keepTyping = function () {
      kept = true
      post(keepUrl, typing())
        .then(apply)
        .catch(function () { window.location.reload() })
    }
    var apply = function (s) {
      if (!s || !s.signedIn) {
        // The session ended, but the server still holds it: the typing goes to be kept first.
        if (s && s.canKeep && keepForm && keepUrl && !kept) keepTyping()
        else leave(s)
        return
      }
      kept = false
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
    // "Continue session" without leaving the page: what is typed elsewhere on it stays. It carries the
    // page's form too, kept by the server only if the session has already ended (a laptop asleep):
    // then the answer names the sign-in page, after which the page comes back with the typing.
    warning.addEventListener('submit', function (event) {
      var form = event.target
      if (!window.FormData) return
      event.preventDefault()
      var sent = keepForm && keepUrl ? post(keepUrl, typing()) : post(form.getAttribute('action'), new window.URLSearchParams(new window.FormData(form)).toString())
      sent.then(apply).catch(function () { schedule(FLOOR_MS) /* offline: the warning stays; pressing again tries again */ })
    })
    schedule(seconds(warning.getAttribute('data-seconds-to-warn')))
  }
})()
