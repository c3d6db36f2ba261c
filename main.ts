import { loadConfig } from './config/load';
import { ConfigError } from './config/validate';
import { buildApp } from './stacks/app';

// cdktf runs this file (cdktf.json "app") to synthesize the stack into cdktf.out/.
try {
  buildApp(loadConfig()).app.synth();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
