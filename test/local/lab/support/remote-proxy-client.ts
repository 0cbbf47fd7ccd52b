// A process that moves a lab's fault proxy through the lab's control API (argv[2]) and prints what each call answered, one JSON line.
import { startBlockingHttp } from '../../../../local/lab/blocking-http';
import { remoteFaultProxy } from '../../../../local/lab/remote-proxy';

const http = startBlockingHttp();
const proxy = remoteFaultProxy(process.argv[2], http.request);
const nameOf = (move: () => unknown): string => {
  try {
    move();
    return 'none';
  } catch (error) {
    return (error as Error).name;
  }
};
const before = proxy.state;
const clamped = proxy.targetGroup.modify({ MaxConnectionsPercent: 5, MaxIdleConnectionsPercent: 5 });
// Read at once after the call returned: the lab has the clamp already.
const readBack = proxy.targetGroup.config;
const refusedConfig = nameOf(() => proxy.targetGroup.modify({ MaxConnectionsPercent: 0 }));
const refusedRegister = nameOf(() => proxy.register());
console.log(JSON.stringify({ before, clamped, readBack, refusedConfig, refusedRegister }));
void http.close();
