/** The rehearsal's command line and the environment it deploys with. */
import { deployEnv, parseArgs } from '../../e2e/run';
import { LOCAL_IMAGES } from '../../e2e/local-images';
import { parseMemory } from '../../e2e/stats';
import { loadConfig } from '../../config/load';

describe('parseArgs', () => {
  it('takes the flags, with defaults', () => {
    expect(parseArgs([])).toEqual({ localImages: false, keep: false, timeoutMin: 15, statsSeconds: 0 });
    expect(parseArgs(['--local-images', '--keep', '--timeout-min', '30', '--stats', '60'])).toEqual({ localImages: true, keep: true, timeoutMin: 30, statsSeconds: 60 });
    expect(parseArgs(['--help'])).toBe('help');
  });
  it('refuses what it does not know, naming it', () => {
    expect(() => parseArgs(['--local'])).toThrow('unknown argument --local; see npm run e2e -- --help');
    expect(() => parseArgs(['--timeout-min', 'soon'])).toThrow('--timeout-min takes a positive number of minutes (got soon)');
    expect(() => parseArgs(['--stats', '5'])).toThrow('--stats takes a whole number of seconds, at least 10 (got 5)');
  });
});

describe('deployEnv', () => {
  it('deploys as project e2e unless told otherwise, so a lab of your own is not touched', () => {
    expect(deployEnv({}, { localImages: false, keep: false, timeoutMin: 1, statsSeconds: 0 }).LAB_PROJECT).toBe('e2e');
    expect(deployEnv({ LAB_PROJECT: 'mine' }, { localImages: false, keep: false, timeoutMin: 1, statsSeconds: 0 }).LAB_PROJECT).toBe('mine');
  });
  it('with --local-images, every image setting names its local image, and the configuration accepts them', () => {
    const env = deployEnv({}, { localImages: true, keep: false, timeoutMin: 1, statsSeconds: 0 });
    const config = loadConfig(env, '/nonexistent');
    for (const [name, local] of Object.entries(LOCAL_IMAGES)) expect(config.images[name as keyof typeof config.images]).toBe(local.image);
  });
});

describe('parseMemory', () => {
  it('reads docker stats memory usage in MiB', () => {
    expect(parseMemory('12.5MiB / 128MiB')).toBe(12.5);
    expect(parseMemory('1.5GiB / 8GiB')).toBe(1536);
    expect(parseMemory('512KiB / 1GiB')).toBe(0.5);
    expect(parseMemory('n/a')).toBeNaN();
  });
});
