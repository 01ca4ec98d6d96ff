import { attrs, html, type Html } from '../platform/html.ts'
import type { Translate } from '../i18n/i18n.ts'
import { fieldId, type FormErrors } from './form-errors.ts'

/**
 * Form controls after the GOV.UK contract, styled with GC Design System tokens:
 * label, hint, inline error with a visually hidden "Error:" prefix, and
 * `aria-describedby` naming the hint then the error. Ids come from `fieldId()`.
 */

interface FieldBase {
  name: string
  label: string | Html
  hint?: string | Html
  /** An explanation behind a native <details> toggle: works without JavaScript. */
  help?: string | Html
  error?: string
  required?: boolean
  t: Translate
}

function describedBy(id: string, f: FieldBase): string | undefined {
  const ids = [f.hint ? `${id}-hint` : '', f.help ? `${id}-help` : '', f.error ? `${id}-error` : ''].filter(Boolean)
  return ids.length ? ids.join(' ') : undefined
}

function hintAndError(id: string, f: FieldBase): Html {
  return html`${f.hint ? html`<p class="hint" id="${id}-hint">${f.hint}</p>` : ''}${
    f.help ? helpToggle(id, f.help, f.label, f.t) : ''
  }${f.error ? errorMessage(id, f.error, f.t) : ''}`
}

function helpToggle(id: string, text: string | Html, label: string | Html, t: Translate): Html {
  return html`<details class="field-help" id="${id}-help"><summary>${t('forms.help')}<span class="visually-hidden">: ${label}</span></summary><div class="field-help-body">${text}</div></details>`
}

export function errorMessage(id: string, message: string, t: Translate): Html {
  return html`<p class="error-message" id="${id}-error"><span class="visually-hidden">${t('common.errorPrefix')} </span>${message}</p>`
}

function requiredMark(f: FieldBase): Html | string {
  return f.required ? html` <span class="required">${f.t('common.required')}</span>` : ''
}

export interface TextInputProps extends FieldBase {
  value?: string | number | null
  type?: 'text' | 'email' | 'password' | 'tel' | 'number' | 'date' | 'search' | 'url'
  autocomplete?: string
  inputmode?: 'numeric' | 'decimal' | 'email' | 'tel' | 'text'
  width?: 'full' | '20' | '10' | '5' | '4' | '3' | '2'
  spellcheck?: boolean
  maxlength?: number
  pattern?: string
}

export function textInput(p: TextInputProps): Html {
  const id = fieldId(p.name)
  return html`<div class="form-group${p.error ? ' form-group-error' : ''}">
<label class="label" for="${id}">${p.label}${requiredMark(p)}</label>
${hintAndError(id, p)}<input class="input${p.width && p.width !== 'full' ? ` input-width-${p.width}` : ''}${
    p.error ? ' input-error' : ''
  }"${attrs({
    id,
    name: p.name,
    type: p.type ?? 'text',
    value: p.value === null || p.value === undefined ? undefined : String(p.value),
    autocomplete: p.autocomplete,
    inputmode: p.inputmode,
    spellcheck: p.spellcheck === undefined ? undefined : String(p.spellcheck),
    maxlength: p.maxlength,
    pattern: p.pattern,
    required: p.required,
    'aria-describedby': describedBy(id, p),
    'aria-invalid': p.error ? 'true' : undefined,
  })}>
</div>`
}

export interface TextareaProps extends FieldBase {
  value?: string | null
  rows?: number
  maxlength?: number
}

export function textarea(p: TextareaProps): Html {
  const id = fieldId(p.name)
  return html`<div class="form-group${p.error ? ' form-group-error' : ''}">
<label class="label" for="${id}">${p.label}${requiredMark(p)}</label>
${hintAndError(id, p)}<textarea class="textarea${p.error ? ' input-error' : ''}"${attrs({
    id,
    name: p.name,
    rows: p.rows ?? 5,
    maxlength: p.maxlength,
    required: p.required,
    'aria-describedby': describedBy(id, p),
    'aria-invalid': p.error ? 'true' : undefined,
  })}>${p.value ?? ''}</textarea>
</div>`
}

export interface Option {
  value: string
  text: string
  hint?: string
}

export interface SelectProps extends FieldBase {
  options: readonly Option[]
  value?: string | null
  /** Text of the empty first option, e.g. "Select a province". */
  placeholder?: string
  autocomplete?: string
  /** Options in labelled <optgroup>s, after `options` (which may be empty). */
  groups?: ReadonlyArray<{ label: string; options: readonly Option[] }>
}

function selectOption(o: Option, value: string | null | undefined): Html {
  return html`<option${attrs({ value: o.value, selected: o.value === (value ?? '') })}>${o.text}</option>`
}

export function select(p: SelectProps): Html {
  const id = fieldId(p.name)
  return html`<div class="form-group${p.error ? ' form-group-error' : ''}">
<label class="label" for="${id}">${p.label}${requiredMark(p)}</label>
${hintAndError(id, p)}<select class="select${p.error ? ' input-error' : ''}"${attrs({
    id,
    name: p.name,
    required: p.required,
    autocomplete: p.autocomplete,
    'aria-describedby': describedBy(id, p),
    'aria-invalid': p.error ? 'true' : undefined,
  })}>
${p.placeholder !== undefined ? html`<option value="">${p.placeholder}</option>` : ''}${p.options.map((o) => selectOption(o, p.value))}${(
    p.groups ?? []
  ).map((g) => html`<optgroup label="${g.label}">${g.options.map((o) => selectOption(o, p.value))}</optgroup>`)}
</select>
</div>`
}

export interface ChoiceProps extends FieldBase {
  options: readonly Option[]
  inline?: boolean
}

/** A fieldset of radios; the first radio carries the field's id, so summary links land on it. */
export function radios(p: ChoiceProps & { value?: string | null }): Html {
  return choices(p, 'radio', (o) => o.value === (p.value ?? undefined))
}

export function checkboxes(p: ChoiceProps & { values?: readonly string[] }): Html {
  return choices(p, 'checkbox', (o) => (p.values ?? []).includes(o.value))
}

function choices(p: ChoiceProps, type: 'radio' | 'checkbox', checked: (o: Option) => boolean): Html {
  const id = fieldId(p.name)
  const desc = describedBy(id, p)
  return html`<div class="form-group${p.error ? ' form-group-error' : ''}">
<fieldset class="fieldset"${attrs({ 'aria-describedby': desc })}>
<legend class="legend">${p.label}${requiredMark(p)}</legend>
${hintAndError(id, p)}<div class="${type === 'radio' ? 'radios' : 'checkboxes'}${p.inline ? ' choices-inline' : ''}">
${p.options.map((o, i) => {
  const optionId = i === 0 ? id : `${id}-${i + 1}`
  return html`<div class="choice">
<input class="choice-input"${attrs({
    id: optionId,
    name: p.name,
    type,
    value: o.value,
    checked: checked(o),
    'aria-describedby': o.hint ? `${optionId}-hint` : undefined,
  })}>
<label class="choice-label" for="${optionId}">${o.text}</label>
${o.hint ? html`<p class="hint choice-hint" id="${optionId}-hint">${o.hint}</p>` : ''}
</div>`
})}
</div>
</fieldset>
</div>`
}

/** One checkbox that must be ticked, such as an attestation. */
export function singleCheckbox(p: FieldBase & { checked?: boolean; value?: string }): Html {
  const id = fieldId(p.name)
  return html`<div class="form-group${p.error ? ' form-group-error' : ''}">
${hintAndError(id, p)}<div class="choice">
<input class="choice-input"${attrs({
    id,
    name: p.name,
    type: 'checkbox',
    value: p.value ?? 'yes',
    checked: p.checked,
    required: p.required,
    'aria-describedby': describedBy(id, p),
    'aria-invalid': p.error ? 'true' : undefined,
  })}>
<label class="choice-label" for="${id}">${p.label}${requiredMark(p)}</label>
</div>
</div>`
}

export function button(p: {
  /** Its words; markup (a visually hidden name of what it acts on: "Remove <span>offer.pdf</span>") passes as Html. */
  text: string | Html
  variant?: 'primary' | 'secondary' | 'danger' | 'start' | 'link'
  name?: string
  value?: string
  type?: 'submit' | 'button'
  preventDoubleClick?: boolean
}): Html {
  return html`<button class="button button-${p.variant ?? 'primary'}"${attrs({
    type: p.type ?? 'submit',
    name: p.name,
    value: p.value,
    'data-prevent-double-click': p.preventDoubleClick ? 'true' : undefined,
  })}>${p.text}</button>`
}

/**
 * A link that goes somewhere, drawn as a button (GC Design System: navigation is a link).
 * It stays a plain link for assistive technology, with no role="button": that role promises
 * activation by Space, which a link does not have without script.
 */
export function linkButton(p: { text: string; href: string; variant?: 'primary' | 'secondary' | 'start' }): Html {
  return html`<a class="button button-${p.variant ?? 'secondary'}" href="${p.href}">${p.text}</a>`
}

/**
 * The error summary: above the h1, a heading then links to each field. It takes
 * focus on load through `autofocus` (no script needed); `role="alert"` announces it.
 */
export function errorSummary(t: Translate, errors: FormErrors | undefined): Html | '' {
  if (!errors || errors.summary.length === 0) return ''
  return html`<div class="error-summary" id="error-summary" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<div role="alert">
<h2 class="error-summary-title" id="error-summary-title">${t('common.errorSummaryTitle')}</h2>
<ul class="error-summary-list">
${errors.summary.map((e) => html`<li><a href="${e.href}">${e.text}</a></li>`)}
</ul>
</div>
</div>`
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`
}

export function notice(p: { kind: 'info' | 'success' | 'warning' | 'danger'; title: string; body?: Html | string; headingLevel?: 2 | 3 }): Html {
  const h = p.headingLevel ?? 2
  return html`<section class="notice notice-${p.kind}" aria-labelledby="notice-${p.kind}-title">
${h === 2 ? html`<h2 class="notice-title" id="notice-${p.kind}-title">${p.title}</h2>` : html`<h3 class="notice-title" id="notice-${p.kind}-title">${p.title}</h3>`}
${p.body ? html`<div class="notice-body">${p.body}</div>` : ''}
</section>`
}

export function summaryList(rows: ReadonlyArray<{ key: string; value: Html | string | null | undefined; action?: { href: string; text: string; hidden: string } }>): Html {
  return html`<dl class="summary-list">
${rows.map(
  (r) => html`<div class="summary-row"><dt class="summary-key">${r.key}</dt><dd class="summary-value">${r.value ?? ''}</dd>${
    r.action
      ? html`<dd class="summary-action"><a href="${r.action.href}">${r.action.text}<span class="visually-hidden"> ${r.action.hidden}</span></a></dd>`
      : ''
  }</div>`,
)}
</dl>`
}
