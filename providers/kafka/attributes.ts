import * as cdktf from 'cdktf';

/**
 * One Terraform attribute of a hand-written binding: its value and the Terraform type it has in
 * the provider's schema. The binding lists its attributes once, under the provider's real
 * (snake_case) names, and both synthesis paths (JSON and HCL) are derived from that one table,
 * so the two outputs cannot disagree on a name.
 */
export type Attribute =
  | { readonly kind: 'string'; readonly value: string | undefined }
  | { readonly kind: 'number'; readonly value: number | undefined }
  | { readonly kind: 'boolean'; readonly value: boolean | cdktf.IResolvable | undefined }
  | { readonly kind: 'stringList'; readonly value: readonly string[] | undefined }
  | { readonly kind: 'stringMap'; readonly value: Readonly<Record<string, string>> | undefined };

/** Attributes keyed by the provider's own attribute name, e.g. `bootstrap_servers`. */
export type AttributeTable = Readonly<Record<string, Attribute>>;

type Synthesized = Record<string, unknown>;

function toJson(attribute: Attribute): unknown {
  switch (attribute.kind) {
    case 'string':
      return cdktf.stringToTerraform(attribute.value);
    case 'number':
      return cdktf.numberToTerraform(attribute.value);
    case 'boolean':
      return cdktf.booleanToTerraform(attribute.value);
    case 'stringList':
      return cdktf.listMapper(cdktf.stringToTerraform, false)(attribute.value);
    case 'stringMap':
      return cdktf.hashMapper(cdktf.stringToTerraform)(attribute.value);
  }
}

function toHcl(attribute: Attribute): Synthesized {
  switch (attribute.kind) {
    case 'string':
      return hclEntry(cdktf.stringToHclTerraform(attribute.value), 'simple', 'string');
    case 'number':
      return hclEntry(cdktf.numberToHclTerraform(attribute.value), 'simple', 'number');
    case 'boolean':
      return hclEntry(cdktf.booleanToHclTerraform(attribute.value), 'simple', 'boolean');
    case 'stringList':
      return hclEntry(
        cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(attribute.value),
        'list',
        'stringList',
      );
    case 'stringMap':
      return hclEntry(cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(attribute.value), 'map', 'stringMap');
  }
}

function hclEntry(value: unknown, type: string, storageClassType: string): Synthesized {
  return { value, isBlock: false, type, storageClassType };
}

/** The attribute map that `synthesizeAttributes()` returns (JSON output). */
export function synthesizeJson(table: AttributeTable): Synthesized {
  return Object.fromEntries(Object.entries(table).map(([name, attribute]) => [name, toJson(attribute)]));
}

/** The attribute map that `synthesizeHclAttributes()` returns (HCL output); unset values are left out. */
export function synthesizeHcl(table: AttributeTable): Synthesized {
  return Object.fromEntries(
    Object.entries(table)
      .filter(([, attribute]) => attribute.value !== undefined)
      .map(([name, attribute]) => [name, toHcl(attribute)]),
  );
}
