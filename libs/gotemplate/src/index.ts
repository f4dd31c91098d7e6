export { Template } from './template.ts';
export type { TemplateOptions } from './template.ts';
export { TemplateError, TemplateExecError, TemplateParseError } from './errors.ts';
export type { FuncMap, FuncSpec, ParamType, TemplateFunc } from './func-spec.ts';
export type { MissingKey } from './exec.ts';
export { GO_ELEM_ZERO } from './exec.ts';
export { GO_TYPE, GoFloat, GoTypedString, NO_VALUE, float64 } from './value.ts';
export { goQuote, sprint, sprintf, sprintln } from './fmt.ts';
export { GoDuration, GoTime, ZERO_TIME, formatGoDuration, loadLocation } from './go-time.ts';
export { htmlEscapeString, jsEscapeString, urlQueryEscape, urlQueryUnescape } from './escape-funcs.ts';
export { goJsonMarshal } from './go-json.ts';
export { KV, Pair, Pairs, TemplateAlert, TemplateAlerts, TemplateData } from './alertmanager-data.ts';
export { alertmanagerFuncs } from './alertmanager-funcs.ts';
export {
  ALERTMANAGER_DEFAULT_TEMPLATES,
  ALERTMANAGER_DEFAULT_TEMPLATE_NAMES,
} from './alertmanager-default-templates.ts';
export { AlertmanagerTemplates } from './alertmanager-templates.ts';
export type { AlertmanagerTemplatesOptions } from './alertmanager-templates.ts';
export {
  convertToFloat,
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  prometheusFuncs,
} from './prometheus-funcs.ts';
export type { PrometheusFuncOptions } from './prometheus-funcs.ts';
