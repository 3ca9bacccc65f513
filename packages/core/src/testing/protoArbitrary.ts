// Test helper: fast-check arbitraries for any protocol message, built by reflection from the
// .proto files themselves, so new messages and fields are fuzzed without touching the tests.
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import protobuf from 'protobufjs';

const protoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'proto');

/** The protocol's reflection root, loaded from proto/cosmo/v1. */
export function loadProtocolRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(protoRoot, target));
  const dir = join(protoRoot, 'cosmo', 'v1');
  root.loadSync(
    readdirSync(dir)
      .filter((f) => f.endsWith('.proto'))
      .map((f) => join(dir, f)),
  );
  root.resolveAll();
  return root;
}

type Obj = Record<string, unknown>;

const str = fc.string({ unit: 'binary', maxLength: 24 });
const mapKey = str.filter((k) => k !== '__proto__');

function scalar(field: protobuf.Field): fc.Arbitrary<unknown> {
  if (field.resolvedType instanceof protobuf.Enum) {
    return fc.constantFrom(...Object.values(field.resolvedType.values));
  }
  switch (field.type) {
    case 'string':
      return str;
    case 'bool':
      return fc.boolean();
    case 'uint32':
    case 'fixed32':
      return fc.nat({ max: 0xffffffff });
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return fc.integer();
    case 'double':
      return fc.double({ noNaN: true });
    case 'float':
      return fc.float({ noNaN: true });
    case 'bytes':
      return fc.uint8Array({ maxLength: 16 });
    default:
      throw new Error(
        `protoArbitrary: unsupported field type '${field.type}' on ${field.fullName}`,
      );
  }
}

function fieldArbitrary(field: protobuf.Field, depth: number): fc.Arbitrary<unknown> {
  const single =
    field.resolvedType instanceof protobuf.Type
      ? messageArbitrary(field.resolvedType, undefined, depth + 1)
      : scalar(field);
  if (field instanceof protobuf.MapField) return fc.dictionary(mapKey, single, { maxKeys: 3 });
  if (field.repeated) return fc.array(single, { maxLength: 3 });
  return single;
}

/**
 * An arbitrary of plain objects valid for `type`. With `oneofMember`, every real oneof of the
 * type is set to that member (used to cover each request/response/event kind).
 */
export function messageArbitrary(
  type: protobuf.Type,
  oneofMember?: string,
  depth = 0,
): fc.Arbitrary<Obj> {
  if (depth > 8) throw new Error(`protoArbitrary: ${type.fullName} nests too deep`);
  const plain: Record<string, fc.Arbitrary<unknown>> = {};
  const optional: Record<string, fc.Arbitrary<unknown>> = {};
  const oneofs: fc.Arbitrary<Obj>[] = [];
  for (const oneof of type.oneofsArray) {
    // proto3 `optional` fields are synthetic one-member oneofs named `_field`.
    if (oneof.name.startsWith('_')) continue;
    const members = oneof.fieldsArray.filter((f) => !oneofMember || f.name === oneofMember);
    oneofs.push(
      fc.oneof(...members.map((f) => fieldArbitrary(f, depth).map((v): Obj => ({ [f.name]: v })))),
    );
  }
  for (const field of type.fieldsArray) {
    if (field.partOf && !field.partOf.name.startsWith('_')) continue;
    if (field.partOf) optional[field.name] = fieldArbitrary(field, depth);
    else plain[field.name] = fieldArbitrary(field, depth);
  }
  return fc
    .tuple(fc.record(plain), fc.record(optional, { requiredKeys: [] }), fc.tuple(...oneofs))
    .map(([a, b, c]) => Object.assign({}, a, b, ...c));
}
