export { TargetGroupSet } from './target-group.ts';
export type { LabelSet, TargetGroup } from './target-group.ts';
export { HttpSd, httpSdConfigError, undiciHttpSdGet } from './http-sd.ts';
export type { HttpSdGet, HttpSdOptions, HttpSdResponse } from './http-sd.ts';
export { KubernetesSd } from './kubernetes/kubernetes-sd.ts';
export type { KubernetesSdOptions } from './kubernetes/kubernetes-sd.ts';
export { KUBERNETES_ROLES, kubernetesSdConfigError } from './kubernetes/config.ts';
export type { KubernetesRole, KubernetesSdConfig, KubernetesTlsConfig } from './kubernetes/config.ts';
export type { InClusterOptions } from './kubernetes/kube-config.ts';
