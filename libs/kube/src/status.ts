/**
 * Kubernetes `Status` objects (meta/v1) and the error that carries one through the
 * server. Shapes follow the upstream API server: `reason` and `code` are what clients
 * (kubectl, client-node) switch on, `message` is for people.
 */

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Expired'
  | 'Gone'
  | 'MethodNotAllowed'
  | 'Forbidden'
  | 'Unauthorized'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'InternalError';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** An API failure with its HTTP code and upstream `reason`; the server answers it as a Status. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  toStatus(): KubeStatus {
    const status: KubeStatus = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** Identifies a resource in messages the way upstream does: `pods` or `servicemonitors.monitoring.coreos.com`. */
export function qualifiedResource(group: string, plural: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

export function notFound(group: string, plural: string, kind: string, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${qualifiedResource(group, plural)} "${name}" not found`, {
    name,
    group,
    kind: plural,
  });
}

export function alreadyExists(group: string, plural: string, name: string): KubeApiError {
  return new KubeApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(group, plural)} "${name}" already exists`,
    {
      name,
      group,
      kind: plural,
    },
  );
}

export function conflict(group: string, plural: string, name: string): KubeApiError {
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, plural)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: plural },
  );
}

/** 422 with one cause per bad field, message formatted like upstream's field errors. */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): KubeApiError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const message =
    list.length === 1
      ? `${kind} "${name}" is invalid: ${list[0]}`
      : `${kind} "${name}" is invalid: [${list.join(', ')}]`;
  return new KubeApiError(422, 'Invalid', message, { name, group, kind, causes });
}

export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

export function expired(message: string): KubeApiError {
  return new KubeApiError(410, 'Expired', message);
}
