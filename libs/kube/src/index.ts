export { startTestApiServer } from './server.ts';
export type { TestApiServer, TestApiServerOptions } from './server.ts';
export { KubeApi } from './kube-api.ts';
export type {
  DeleteOptions,
  KubeList,
  ListOptions,
  PatchOptions,
  PatchType,
  Scope,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from './kube-api.ts';
export { ObjectStore } from './object-store.ts';
export type { KubeObject, ObjectMeta, ObjectStoreOptions, StoreEvent } from './object-store.ts';
export { ResourceRegistry, apiVersionOf, typeKey } from './resource-types.ts';
export type { ResourceType } from './resource-types.ts';
export { KubeApiError } from './status.ts';
export type { KubeStatus, StatusReason } from './status.ts';
export { kubeconfigDocument, writeKubeconfig } from './kubeconfig.ts';
export type { KubeconfigOptions } from './kubeconfig.ts';
export { runKubectl } from './kubectl.ts';
export type { KubectlOptions, KubectlResult } from './kubectl.ts';
