import { TerraformResource, type TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

export interface TerraformDataConfig extends TerraformMetaArguments {
  readonly input: Readonly<Record<string, string>>;
  readonly triggersReplace: Readonly<Record<string, string>>;
}

/**
 * Terraform's built-in `terraform_data` (Terraform >= 1.4, any OpenTofu). cdktf's own DataResource
 * runs `terraform version` while synthesizing to check that; `cdktf synth` must work on a machine
 * with no Terraform binary, so the version floor is stated in the README instead.
 */
export class TerraformData extends TerraformResource {
  static readonly tfResourceType = 'terraform_data';
  private readonly config: TerraformDataConfig;

  constructor(scope: Construct, id: string, config: TerraformDataConfig) {
    super(scope, id, {
      terraformResourceType: TerraformData.tfResourceType,
      dependsOn: config.dependsOn,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
    });
    this.config = config;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { input: { ...this.config.input }, triggers_replace: { ...this.config.triggersReplace } };
  }
}
