// A pass-through in front of your own service: each answer is classified by the profile's rules as it leaves, for the live view of a run.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readClassifier, type TargetAnswer, writeClassifier } from '../../steps/core/answer-rules';
import type { TargetProfile } from '../../steps/core/target-profile';
import { profileRequests } from './profile-requests';
import type { TrafficCounter } from './traffic-counter';

/** Bodies longer than this are not kept for a rule (the answer still passes whole). */
const MAX_KEPT_BODY = 64 * 1024;

export interface CountingPass {
  /** The service's URL through the pass-through: the GameDay's traffic goes there. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Forwards every request to `serviceUrl` as it came, streams the answer back, and counts the
 * answers of the profile's reads and writes on `counter` by the profile's classes (lookups and
 * health checks pass uncounted). A request the service never answers is a failure, as the traffic
 * step counts it.
 */
export async function startCountingPass(
  serviceUrl: string,
  profile: TargetProfile,
  counter: TrafficCounter,
): Promise<CountingPass> {
  const target = new URL(serviceUrl);
  const requests = profileRequests(profile);
  const classifiers = { read: readClassifier(profile), write: writeClassifier(profile) };
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const kind = requests.kindOf(request.method ?? 'GET', request.url ?? '/');
    const classifier = kind ? classifiers[kind] : undefined;
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        const chunks: Buffer[] = [];
        let kept = 0;
        answer.on('data', (chunk: Buffer) => {
          if (classifier?.needs.keepBody && kept < MAX_KEPT_BODY) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        answer.on('end', () => {
          if (!kind || !classifier) return;
          const header = classifier.needs.keepHeader ? answer.headers[classifier.needs.keepHeader] : undefined;
          const seen: TargetAnswer = {
            status: answer.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(typeof header === 'string' ? { header } : {}),
          };
          counter.count(kind, classifier.classify(seen));
        });
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      if (kind) counter.count(kind, 'failed');
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}
