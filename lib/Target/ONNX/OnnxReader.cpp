//===- OnnxReader.cpp - ModelProto and TensorProto to plain data ----------===//
//
// The only file that includes ONNX's (protobuf's) headers. ONNX's checker
// reports problems by throwing, protobuf may throw on allocation: this file
// is compiled with exceptions and every exception becomes an error string.
//
//===----------------------------------------------------------------------===//
#include "dps/Target/OnnxModel.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <cstring>
#include <exception>

namespace dps::onnx {
namespace {

namespace pb = ::ONNX_NAMESPACE;

std::string tensorLabel(const pb::TensorProto &proto) {
  return proto.name().empty() ? std::string("a tensor")
                              : "tensor \"" + proto.name() + "\"";
}

/// `count` values of `proto` (stored as `Stored`: in its raw bytes, little
/// endian, or in `field`) into `out`; empty on success.
template <typename Stored, typename Out>
std::string copyValues(const pb::TensorProto &proto, int64_t count,
                       const google::protobuf::RepeatedField<Stored> &field,
                       std::vector<Out> &out) {
  const std::string &raw = proto.raw_data();
  if (raw.size() % sizeof(Stored))
    return tensorLabel(proto) + " has a raw buffer of " +
           std::to_string(raw.size()) + " bytes, not a multiple of " +
           std::to_string(sizeof(Stored));
  int64_t have =
      raw.empty() ? field.size() : int64_t(raw.size() / sizeof(Stored));
  if (have != count)
    return tensorLabel(proto) + " has " + std::to_string(have) +
           " values for its " + std::to_string(count) + " elements";
  out.resize(size_t(count));
  for (size_t i = 0; i < out.size(); ++i) {
    Stored value;
    if (raw.empty())
      value = field.Get(int(i));
    else
      std::memcpy(&value, raw.data() + i * sizeof(Stored), sizeof(Stored));
    out[i] = Out(value);
  }
  return "";
}

/// Copies `proto`'s shape and (float or integer) values; empty on success.
std::string copyTensor(const pb::TensorProto &proto, Tensor &tensor) {
  tensor.name = proto.name();
  tensor.type = static_cast<DataType>(proto.data_type());
  tensor.dims.assign(proto.dims().begin(), proto.dims().end());
  for (int64_t dim : tensor.dims)
    if (dim < 0)
      return tensorLabel(proto) + " has a negative dimension";
  if (proto.data_location() == pb::TensorProto::EXTERNAL)
    return tensorLabel(proto) +
           " keeps its data in an external file, which dps does not read "
           "(save the model with its data inside)";
  int64_t count = tensor.elements();
  if (count < 0)
    return tensorLabel(proto) + " has more elements than dps can hold";
  switch (tensor.type) {
  case DataType::Float:
    return copyValues(proto, count, proto.float_data(), tensor.floats);
  case DataType::Int64:
    return copyValues(proto, count, proto.int64_data(), tensor.ints);
  case DataType::Int32:
    return copyValues(proto, count, proto.int32_data(), tensor.ints);
  default:
    return ""; // the importer names the unsupported type where it matters
  }
}

std::string copyAttribute(const pb::AttributeProto &proto,
                          Attribute &attribute) {
  using Kind = Attribute::Kind;
  switch (proto.type()) {
  case pb::AttributeProto::FLOAT:
    attribute.kind = Kind::Float;
    attribute.f = proto.f();
    return "";
  case pb::AttributeProto::INT:
    attribute.kind = Kind::Int;
    attribute.i = proto.i();
    return "";
  case pb::AttributeProto::STRING:
    attribute.kind = Kind::String;
    attribute.s = proto.s();
    return "";
  case pb::AttributeProto::TENSOR:
    attribute.kind = Kind::Tensor;
    attribute.t.emplace();
    return copyTensor(proto.t(), *attribute.t);
  case pb::AttributeProto::FLOATS:
    attribute.kind = Kind::Floats;
    attribute.floats.assign(proto.floats().begin(), proto.floats().end());
    return "";
  case pb::AttributeProto::INTS:
    attribute.kind = Kind::Ints;
    attribute.ints.assign(proto.ints().begin(), proto.ints().end());
    return "";
  case pb::AttributeProto::STRINGS:
    attribute.kind = Kind::Strings;
    return "";
  default:
    attribute.kind = Kind::Other;
    return "";
  }
}

ValueInfo copyValueInfo(const pb::ValueInfoProto &proto) {
  ValueInfo info;
  info.name = proto.name();
  if (!proto.type().has_tensor_type())
    return info;
  const pb::TypeProto::Tensor &tensor = proto.type().tensor_type();
  info.type = static_cast<DataType>(tensor.elem_type());
  if (!tensor.has_shape())
    return info;
  info.hasShape = true;
  for (const pb::TensorShapeProto::Dimension &dim : tensor.shape().dim())
    info.dims.push_back(
        dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value() : -1);
  return info;
}

Parsed<Model> copyModel(const pb::ModelProto &proto) {
  Model model;
  for (const pb::OperatorSetIdProto &opset : proto.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      model.opset = opset.version();
  const pb::GraphProto &graph = proto.graph();
  model.graphName = graph.name();
  for (const pb::TensorProto &initializer : graph.initializer()) {
    Tensor tensor;
    if (std::string e = copyTensor(initializer, tensor); !e.empty())
      return {std::nullopt, "initializer " + e};
    model.initializers.push_back(std::move(tensor));
  }
  for (const pb::NodeProto &proto : graph.node()) {
    Node node;
    node.name = proto.name();
    node.opType = proto.op_type();
    node.domain = proto.domain();
    node.inputs.assign(proto.input().begin(), proto.input().end());
    node.outputs.assign(proto.output().begin(), proto.output().end());
    for (const pb::AttributeProto &attr : proto.attribute())
      if (std::string e = copyAttribute(attr, node.attributes[attr.name()]);
          !e.empty())
        return {std::nullopt,
                node.describe() + ": attribute '" + attr.name() + "': " + e};
    model.nodes.push_back(std::move(node));
  }
  for (const pb::ValueInfoProto &input : graph.input())
    model.inputs.push_back(copyValueInfo(input));
  for (const pb::ValueInfoProto &output : graph.output())
    model.outputs.push_back(copyValueInfo(output));
  return {std::move(model), ""};
}

} // namespace

const char *dataTypeName(DataType type) {
  switch (type) {
  case DataType::Float:
    return "float";
  case DataType::UInt8:
    return "uint8";
  case DataType::Int8:
    return "int8";
  case DataType::UInt16:
    return "uint16";
  case DataType::Int16:
    return "int16";
  case DataType::Int32:
    return "int32";
  case DataType::Int64:
    return "int64";
  case DataType::String:
    return "string";
  case DataType::Bool:
    return "bool";
  case DataType::Float16:
    return "float16";
  case DataType::Double:
    return "double";
  case DataType::UInt32:
    return "uint32";
  case DataType::UInt64:
    return "uint64";
  case DataType::Complex64:
    return "complex64";
  case DataType::Complex128:
    return "complex128";
  case DataType::BFloat16:
    return "bfloat16";
  default:
    return "an undefined type";
  }
}

int64_t Tensor::elements() const {
  int64_t count = 1;
  for (int64_t dim : dims) {
    if (dim != 0 && count > INT64_MAX / dim)
      return -1;
    count *= dim;
  }
  return count;
}

const Attribute *Node::find(const std::string &attribute) const {
  auto it = attributes.find(attribute);
  return it == attributes.end() ? nullptr : &it->second;
}

std::string Node::describe() const {
  std::string label = "'" + opType + "' node";
  if (!name.empty())
    return label + " \"" + name + "\"";
  if (!outputs.empty())
    return label + " (output \"" + outputs.front() + "\")";
  return label;
}

Parsed<Model> parseModel(std::string_view bytes) {
  try {
    pb::ModelProto proto;
    if (bytes.size() > size_t(INT_MAX) ||
        !proto.ParseFromArray(bytes.data(), int(bytes.size())))
      return {std::nullopt, "not an ONNX model (the protobuf does not parse)"};
    try {
      pb::checker::check_model(proto);
    } catch (const std::exception &e) {
      return {std::nullopt,
              std::string("the ONNX checker rejects the model: ") + e.what()};
    }
    return copyModel(proto);
  } catch (const std::exception &e) {
    return {std::nullopt, std::string("reading the model failed: ") + e.what()};
  } catch (...) {
    return {std::nullopt, "reading the model failed"};
  }
}

Parsed<Tensor> parseTensor(std::string_view bytes) {
  try {
    pb::TensorProto proto;
    if (bytes.size() > size_t(INT_MAX) ||
        !proto.ParseFromArray(bytes.data(), int(bytes.size())))
      return {std::nullopt, "not an ONNX tensor (the protobuf does not parse)"};
    Tensor tensor;
    if (std::string e = copyTensor(proto, tensor); !e.empty())
      return {std::nullopt, e};
    return {std::move(tensor), ""};
  } catch (const std::exception &e) {
    return {std::nullopt,
            std::string("reading the tensor failed: ") + e.what()};
  } catch (...) {
    return {std::nullopt, "reading the tensor failed"};
  }
}

} // namespace dps::onnx
