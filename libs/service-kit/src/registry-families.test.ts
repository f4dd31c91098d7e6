import { describe, expect, it } from 'vitest';
import { formatText, parseFamilies } from '@argus/exposition';
import { createLogger } from './logger.ts';
import { createService } from './service.ts';
import { registryFamilies } from './registry-families.ts';

describe('registryFamilies', () => {
  it('gives the same OpenMetrics as parsing the registry text', async () => {
    const service = createService({
      displayName: 'Test',
      logger: createLogger({ level: 'error' }),
      listenAddress: '127.0.0.1:0',
    });
    await service.app.inject({ url: '/metrics' });
    // Volatile values (CPU, memory, event loop lag) change between two reads; compare the shape.
    // The nodejs_active_* families list whatever libuv has in flight at that moment: left out.
    const shape = (text: string) =>
      text
        .split('\n')
        .filter((l) => !/nodejs_active_(resources|requests|handles)\b/.test(l))
        .map((l) => l.replace(/ (?:[-+0-9.e]+|NaN)$/i, ' V'))
        .join('\n');
    const fromJson = formatText(await registryFamilies(service.registry), 'openmetrics');
    const fromText = formatText(parseFamilies(await service.registry.metrics(), 'text'), 'openmetrics');
    expect(shape(fromJson)).toEqual(shape(fromText));
    expect(fromJson).toContain('# TYPE process_cpu_user_seconds counter');
    await service.stop();
  });
});
