import type { V1Pod } from '@kubernetes/client-node';
import type { LabelSet } from '../target-group.ts';
import { joinHostPort, namespacedName } from './meta-labels.ts';
import {
  POD_CONTAINER_IMAGE,
  POD_CONTAINER_INIT,
  POD_CONTAINER_NAME,
  POD_CONTAINER_PORT_NAME,
  POD_CONTAINER_PORT_NUMBER,
  POD_CONTAINER_PORT_PROTOCOL,
  podLabels,
} from './pod-role.ts';

/**
 * The pod part of the endpoints and endpointslice roles: an endpoint backed by a pod gets
 * the pod's labels and, for the container port equal to the endpoint port, that
 * container's labels; afterwards every container port of those pods that no endpoint
 * port covered becomes a target of its own (`podIP:port`), as upstream does.
 */
export class PodBackedTargets {
  readonly #seen = new Map<string, { pod: V1Pod; ports: number[] }>();

  /** `target` with the pod's labels; records `port` as covered. */
  attach(target: LabelSet, pod: V1Pod, port: number | undefined): LabelSet {
    const key = namespacedName(pod.metadata?.namespace, pod.metadata?.name);
    let entry = this.#seen.get(key);
    if (!entry) {
      entry = { pod, ports: [] };
      this.#seen.set(key, entry);
    }
    const out: LabelSet = { ...target, ...podLabels(pod) };
    if (port !== undefined) {
      const containers = pod.spec?.containers ?? [];
      const all = [...containers, ...(pod.spec?.initContainers ?? [])];
      all.some((c, i) =>
        (c.ports ?? []).some((cport) => {
          if (cport.containerPort !== port) return false;
          out[POD_CONTAINER_NAME] = c.name;
          out[POD_CONTAINER_IMAGE] = c.image ?? '';
          out[POD_CONTAINER_PORT_NAME] = cport.name ?? '';
          out[POD_CONTAINER_PORT_NUMBER] = String(port);
          out[POD_CONTAINER_PORT_PROTOCOL] = cport.protocol ?? '';
          out[POD_CONTAINER_INIT] = String(i >= containers.length);
          return true;
        }),
      );
      entry.ports.push(port);
    }
    return out;
  }

  /** Targets for the container ports of the seen pods that no endpoint port covered. */
  uncovered(): LabelSet[] {
    const targets: LabelSet[] = [];
    for (const { pod, ports } of this.#seen.values()) {
      const podIP = pod.status?.podIP ?? '';
      if (podIP === '') continue;
      const containers = pod.spec?.containers ?? [];
      const all = [...containers, ...(pod.spec?.initContainers ?? [])];
      all.forEach((c, i) => {
        for (const cport of c.ports ?? []) {
          if (ports.includes(cport.containerPort)) continue;
          targets.push({
            __address__: joinHostPort(podIP, cport.containerPort),
            [POD_CONTAINER_NAME]: c.name,
            [POD_CONTAINER_IMAGE]: c.image ?? '',
            [POD_CONTAINER_PORT_NAME]: cport.name ?? '',
            [POD_CONTAINER_PORT_NUMBER]: String(cport.containerPort),
            [POD_CONTAINER_PORT_PROTOCOL]: cport.protocol ?? '',
            [POD_CONTAINER_INIT]: String(i >= containers.length),
            ...podLabels(pod),
          });
        }
      });
    }
    return targets;
  }
}
