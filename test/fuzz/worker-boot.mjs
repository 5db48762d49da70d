// Starts a fuzz worker thread: tsx compiles worker.ts, which workers cannot load by themselves.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
