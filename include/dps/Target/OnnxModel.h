//===- OnnxModel.h - an ONNX model as plain C++ data ------------*- C++ -*-===//
//
// What the importer needs of an ONNX ModelProto, copied out of protobuf by
// the reader (OnnxReader.cpp, the only code that sees ONNX's and protobuf's
// headers, compiled with exceptions). Neither MLIR nor protobuf types appear
// here, so the importer is built like the rest of dps, without exceptions.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_TARGET_ONNXMODEL_H
#define DPS_TARGET_ONNXMODEL_H

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dps::onnx {

/// ONNX's TensorProto.DataType values the importer distinguishes.
enum class DataType : int32_t {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16
};

/// ONNX's name of a data type ("float", "int64", ...).
const char *dataTypeName(DataType type);

/// A tensor's values: floats for float tensors, integers for integer ones
/// (int32 and int64 alike); other types keep only their type and shape.
struct Tensor {
  std::string name;
  DataType type = DataType::Undefined;
  std::vector<int64_t> dims;
  std::vector<float> floats;
  std::vector<int64_t> ints;

  int64_t elements() const;
};

struct Attribute {
  enum class Kind { Float, Int, String, Tensor, Floats, Ints, Strings, Other };
  Kind kind = Kind::Other;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::optional<Tensor> t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
};

struct Node {
  std::string name, opType, domain;
  std::vector<std::string> inputs, outputs; // "" for an omitted optional one
  std::map<std::string, Attribute> attributes;

  const Attribute *find(const std::string &attribute) const;
  /// The node as diagnostics name it: `'Gemm' node "fc1"` (or its output).
  std::string describe() const;
};

/// A graph input or output: its element type and shape; a symbolic or
/// unknown dimension is -1.
struct ValueInfo {
  std::string name;
  DataType type = DataType::Undefined;
  std::vector<int64_t> dims;
  bool hasShape = false;
};

struct Model {
  /// The default domain's opset version.
  int64_t opset = 0;
  std::string graphName;
  std::vector<Node> nodes;
  std::vector<Tensor> initializers;
  std::vector<ValueInfo> inputs, outputs;
};

/// Either a value or the reason there is none.
template <typename T> struct Parsed {
  std::optional<T> value;
  std::string error;
};

/// Parses a serialized ModelProto (ONNX's own checker runs on it first).
Parsed<Model> parseModel(std::string_view bytes);
/// Parses a serialized TensorProto (the test data of ONNX's node tests).
Parsed<Tensor> parseTensor(std::string_view bytes);

} // namespace dps::onnx

#endif // DPS_TARGET_ONNXMODEL_H
