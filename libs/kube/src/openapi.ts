/**
 * A minimal OpenAPI v3 document set: the root index and, per group version, one PATCH
 * operation per kind that declares the `fieldValidation` query parameter. That is what
 * kubectl (1.27+) reads to decide that the server validates fields itself, so it skips
 * client-side schema validation (which would need full schemas). The PATCH operations
 * do not offer strategic merge, so `kubectl apply` computes its patches from its
 * built-in types (merge patches for custom resources) rather than from schemas that
 * are not served. /openapi/v2 is not served: kubectl falls back from it.
 */
import { createHash } from 'node:crypto';
import type { ResourceRegistry } from './resource-types.ts';

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function groupVersions(registry: ResourceRegistry): Array<[string, string]> {
  const seen = new Map<string, [string, string]>();
  for (const t of registry.all()) {
    for (const v of t.versions) seen.set(gvPath(t.group, v), [t.group, v]);
  }
  return [...seen.values()];
}

/** The per-group-version document, or undefined when that group version is not served. */
export function openApiV3GroupVersion(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const base = `/${gvPath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${t.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: t.kind },
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string' } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
          { name: 'force', in: 'query', schema: { type: 'boolean' } },
        ],
        requestBody: {
          content: {
            'application/apply-patch+yaml': { schema: { type: 'object' } },
            'application/json-patch+json': { schema: { type: 'object' } },
            'application/merge-patch+json': { schema: { type: 'object' } },
          },
          required: true,
        },
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-argus-test' },
    paths,
    components: { schemas: {} },
  };
}

/** The root index: every served group version with the URL of its document. */
export function openApiV3Root(registry: ResourceRegistry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [group, version] of groupVersions(registry)) {
    const doc = openApiV3GroupVersion(registry, group, version);
    const hash = createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();
    paths[gvPath(group, version)] = {
      serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}`,
    };
  }
  return { paths };
}
