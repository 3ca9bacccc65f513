// A small writer of ONNX model files, for the models tests build: the subset of onnx.proto
// (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that a graph of plain operators needs,
// encoded with protobufjs.
import protobuf from 'protobufjs';

const onnx = protobuf.Root.fromJSON({
  nested: {
    ModelProto: {
      fields: {
        irVersion: { id: 1, type: 'int64' },
        producerName: { id: 2, type: 'string' },
        graph: { id: 7, type: 'GraphProto' },
        opsetImport: { id: 8, type: 'OperatorSetIdProto', rule: 'repeated' },
      },
    },
    OperatorSetIdProto: {
      fields: { domain: { id: 1, type: 'string' }, version: { id: 2, type: 'int64' } },
    },
    GraphProto: {
      fields: {
        node: { id: 1, type: 'NodeProto', rule: 'repeated' },
        name: { id: 2, type: 'string' },
        initializer: { id: 5, type: 'TensorProto', rule: 'repeated' },
        input: { id: 11, type: 'ValueInfoProto', rule: 'repeated' },
        output: { id: 12, type: 'ValueInfoProto', rule: 'repeated' },
      },
    },
    NodeProto: {
      fields: {
        input: { id: 1, type: 'string', rule: 'repeated' },
        output: { id: 2, type: 'string', rule: 'repeated' },
        name: { id: 3, type: 'string' },
        opType: { id: 4, type: 'string' },
        attribute: { id: 5, type: 'AttributeProto', rule: 'repeated' },
      },
    },
    AttributeProto: {
      fields: {
        name: { id: 1, type: 'string' },
        i: { id: 3, type: 'int64' },
        ints: { id: 8, type: 'int64', rule: 'repeated' },
        type: { id: 20, type: 'int32' },
      },
    },
    TensorProto: {
      fields: {
        dims: { id: 1, type: 'int64', rule: 'repeated' },
        dataType: { id: 2, type: 'int32' },
        name: { id: 8, type: 'string' },
        rawData: { id: 9, type: 'bytes' },
      },
    },
    ValueInfoProto: {
      fields: { name: { id: 1, type: 'string' }, type: { id: 2, type: 'TypeProto' } },
    },
    TypeProto: {
      fields: { tensorType: { id: 1, type: 'TensorTypeProto' } },
    },
    TensorTypeProto: {
      fields: {
        elemType: { id: 1, type: 'int32' },
        shape: { id: 2, type: 'TensorShapeProto' },
      },
    },
    TensorShapeProto: {
      fields: { dim: { id: 1, type: 'Dimension', rule: 'repeated' } },
    },
    Dimension: {
      oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
      fields: { dimValue: { id: 1, type: 'int64' }, dimParam: { id: 2, type: 'string' } },
    },
  },
});

/** ONNX element types used here. */
export const FLOAT = 1;
export const INT64 = 7;

const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

/** A graph input or output: a name, an element type, and dimensions (a number, or a symbol). */
export interface ValueInfo {
  name: string;
  type: typeof FLOAT | typeof INT64;
  shape: (number | string)[];
}

/** One operator: its inputs and outputs by name, and integer attributes. */
export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[]>;
}

/** A constant tensor in the graph. */
export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

const valueInfo = (v: ValueInfo) => ({
  name: v.name,
  type: {
    tensorType: {
      elemType: v.type,
      shape: {
        dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
      },
    },
  },
});

/** Encodes a graph as an ONNX model file (IR version 8, default opset 17). */
export function onnxModel(graph: {
  name: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: Node[];
  initializers: Initializer[];
}): Uint8Array {
  const Model = onnx.lookupType('ModelProto');
  const message = Model.fromObject({
    irVersion: 8,
    producerName: 'cosmo-tests',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: graph.name,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      node: graph.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([name, value]) =>
          Array.isArray(value)
            ? { name, ints: value, type: ATTRIBUTE_INTS }
            : { name, i: value, type: ATTRIBUTE_INT },
        ),
      })),
      initializer: graph.initializers.map((t) => ({
        name: t.name,
        dims: t.dims,
        dataType: t.data instanceof Float32Array ? FLOAT : INT64,
        rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      })),
    },
  });
  return Model.encode(message).finish();
}
