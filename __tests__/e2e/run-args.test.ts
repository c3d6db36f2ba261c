/** The rehearsal's command line and the environment it deploys with. */
import { deployEnv, parseArgs } from '../../e2e/run';
import { LOCAL_IMAGES } from '../../e2e/local-images';
import { loadConfig } from '../../config/load';

describe('parseArgs', () => {
  it('takes the flags, with defaults', () => {
    expect(parseArgs([])).toEqual({ localImages: false, keep: false, timeoutMin: 15 });
    expect(parseArgs(['--local-images', '--keep', '--timeout-min', '30'])).toEqual({ localImages: true, keep: true, timeoutMin: 30 });
    expect(parseArgs(['--help'])).toBe('help');
  });
  it('refuses what it does not know, naming it', () => {
    expect(() => parseArgs(['--local'])).toThrow('unknown argument --local; see npm run e2e -- --help');
    expect(() => parseArgs(['--timeout-min', 'soon'])).toThrow('--timeout-min takes a positive number of minutes (got soon)');
  });
});

describe('deployEnv', () => {
  it('deploys as project e2e unless told otherwise, so a lab of your own is not touched', () => {
    expect(deployEnv({}, { localImages: false, keep: false, timeoutMin: 1 }).LAB_PROJECT).toBe('e2e');
    expect(deployEnv({ LAB_PROJECT: 'mine' }, { localImages: false, keep: false, timeoutMin: 1 }).LAB_PROJECT).toBe('mine');
  });
  it('with --local-images, every image setting names its local image, and the configuration accepts them', () => {
    const env = deployEnv({}, { localImages: true, keep: false, timeoutMin: 1 });
    const config = loadConfig(env, '/nonexistent');
    for (const [name, local] of Object.entries(LOCAL_IMAGES)) expect(config.images[name as keyof typeof config.images]).toBe(local.image);
  });
});
