#!/usr/bin/env python3
"""Writes small ONNX models the importer's tests need into OUT_DIR."""
import sys

import onnx
from onnx import TensorProto, helper

out = sys.argv[1]


def save(name, nodes, inputs, outputs, initializers=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              initializer=list(initializers))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, f"{out}/{name}.onnx")


def tensor(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


# Two unsupported nodes and one that reads an unsupported node's output:
# both unsupported ones are reported, the third is not.
save("unsupported",
     [helper.make_node("Relu", ["x"], ["a"], name="relu"),
      helper.make_node("Erf", ["a"], ["b"], name="erf1"),
      helper.make_node("Relu", ["b"], ["c"], name="after"),
      helper.make_node("Conv", ["x4", "w"], ["d"], name="grouped", group=2),
      helper.make_node("Add", ["c", "c"], ["y"], name="add")],
     [tensor("x", [2, 4]), tensor("x4", [1, 2, 3, 3]),
      tensor("w", [2, 1, 1, 1])],
     [tensor("y", [2, 4]), tensor("d", [1, 2, 3, 3])])
# A trainable graph needs one data input and a rank-2 output.
save("two_inputs", [helper.make_node("Add", ["x", "z"], ["y"])],
     [tensor("x", ["batch", 4]), tensor("z", ["batch", 4])],
     [tensor("y", [2, 4])])
save("rank3_output", [helper.make_node("Relu", ["x"], ["y"])],
     [tensor("x", ["batch", 4, 2])], [tensor("y", ["batch", 4, 2])])
# Shapes that do not fit: a Gemm of 4 columns by 5 rows.
save("bad_gemm", [helper.make_node("Gemm", ["x", "w"], ["y"], name="fc")],
     [tensor("x", ["batch", 4])], [tensor("y", ["batch", 3])],
     [helper.make_tensor("w", TensorProto.FLOAT, [5, 3], [0.0] * 15)])
# An integer input and a dynamic Reshape target.
save("int_input", [helper.make_node("Reshape", ["x", "s"], ["y"], name="r")],
     [tensor("x", [2, 4]), tensor("s", [2], TensorProto.INT64)],
     [tensor("y", [2, 4])])
# Found by reading the importer before fuzzing it: zero strides under
# auto_pad (a division by zero), and a node without its inputs (ONNX's
# checker catches it first).
save("zero_strides",
     [helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                       kernel_shape=[2, 2], strides=[0, 0],
                       auto_pad="SAME_UPPER")],
     [tensor("x", [1, 1, 4, 4])], [tensor("y", [1, 1, 4, 4])])
save("missing_input", [helper.make_node("Relu", [], ["y"], name="bare")],
     [tensor("x", [2, 4])], [tensor("y", [2, 4])])
# An opset outside 6-21, a double initializer and input, and a weight whose
# data sits in an external file (which exists, so ONNX's checker passes it).
save("old_opset", [helper.make_node("Relu", ["x"], ["y"])],
     [tensor("x", [2, 4])], [tensor("y", [2, 4])], opset=5)
save("double_data", [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
     [tensor("x", [2, 4], TensorProto.DOUBLE)],
     [tensor("y", [2, 4], TensorProto.DOUBLE)],
     [helper.make_tensor("w", TensorProto.DOUBLE, [4], [0.0] * 4)])
external = helper.make_tensor("w", TensorProto.FLOAT, [4], [0.0] * 4)
external.ClearField("float_data")
external.data_location = TensorProto.EXTERNAL
entry = external.external_data.add()
entry.key, entry.value = "location", "w.bin"
open(f"{out}/w.bin", "wb").write(bytes(16))
save("external", [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
     [tensor("x", [2, 4])], [tensor("y", [2, 4])], [external])
