import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack } from 'cdktf';

// The baseline of `npm run bench:synth`: one container, synthesized the default cdktf way.
const app = new App();
const stack = new TerraformStack(app, 'minimal');
new DockerProvider(stack, 'docker', {});
const image = new Image(stack, 'image', { name: 'nginx:1.27.3' });
new Container(stack, 'web', { name: 'web', image: image.imageId });
app.synth();
