//! Parsing case files: the JSON of FORMAT.md into typed values, with
//! errors that name the file and the case.

use crate::{DynTensor, Error, LongTensor, Result};
use nncore::excerpt;
use serde_json::{Map, Value};
use std::path::Path;

/// A parsed case file.
#[derive(Clone, Debug)]
pub struct CaseFile {
    /// `loss`, `function`, `module`, `optimizer`, `scheduler`, `init` or `repr`.
    pub family: String,
    /// Its cases.
    pub cases: Vec<Case>,
}

/// One case: its common fields parsed, the rest kept as JSON.
#[derive(Clone, Debug)]
pub struct Case {
    /// The case's unique name.
    pub name: String,
    /// The PyTorch op in snake_case.
    pub op: String,
    /// PyTorch's keyword arguments.
    pub options: Map<String, Value>,
    /// The whole case, for family-specific fields.
    pub raw: Map<String, Value>,
}

/// A tensor of a case: shape, dtype, values widened to `f64`.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorData {
    /// The sizes.
    pub shape: Vec<usize>,
    /// `float64`, `float32`, `int64` or `bool`.
    pub dtype: String,
    /// Row-major values (`inf`, `-inf`, `nan` from their string forms).
    pub data: Vec<f64>,
}

impl CaseFile {
    /// Reads and parses a case file (a regular file: a path such as
    /// `/dev/zero` is refused before reading).
    pub fn read(path: &Path) -> Result<Self> {
        use std::io::Read;
        let (mut file, _) = nncore::io::open_regular(path)?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses case-file text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let bad = |reason: String| Error::bad_file(path, reason);
        let value: Value = serde_json::from_str(text)
            .map_err(|e| bad(format!("not valid JSON: {}", excerpt(&e.to_string()))))?;
        let top = value
            .as_object()
            .ok_or_else(|| bad("the top level is not an object".into()))?;
        let family = top
            .get("family")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no `family` string".into()))?
            .to_string();
        let list = top
            .get("cases")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no `cases` list".into()))?;
        let mut cases = Vec::with_capacity(list.len());
        for (i, c) in list.iter().enumerate() {
            let raw = c
                .as_object()
                .ok_or_else(|| bad(format!("case {i} is not an object")))?
                .clone();
            let field = |key: &str| -> Result<String> {
                raw.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| bad(format!("case {i} has no `{key}` string")))
            };
            let name = field("name")?;
            let op = field("op")?;
            let options = match raw.get("options") {
                None | Some(Value::Null) => Map::new(),
                Some(Value::Object(m)) => m.clone(),
                Some(_) => {
                    return Err(bad(format!(
                        "case `{}`: `options` is not an object",
                        excerpt(&name)
                    )));
                }
            };
            cases.push(Case {
                name,
                op,
                options,
                raw,
            });
        }
        Ok(CaseFile { family, cases })
    }
}

/// A number as FORMAT.md writes it: a JSON number or `"inf"`, `"-inf"`, `"nan"`.
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => match s.as_str() {
            "inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            "nan" => Some(f64::NAN),
            _ => None,
        },
        _ => None,
    }
}

impl TensorData {
    /// Parses a TENSOR object.
    pub fn parse(v: &Value) -> std::result::Result<Self, String> {
        let o = v.as_object().ok_or("a tensor is not an object")?;
        let shape: Vec<usize> = o
            .get("shape")
            .and_then(Value::as_array)
            .ok_or("a tensor has no `shape`")?
            .iter()
            .map(|d| {
                d.as_u64()
                    .map(|d| d as usize)
                    .ok_or("a shape entry is not a size")
            })
            .collect::<std::result::Result<_, _>>()?;
        let dtype = o
            .get("dtype")
            .and_then(Value::as_str)
            .unwrap_or("float64")
            .to_string();
        let data: Vec<f64> = o
            .get("data")
            .and_then(Value::as_array)
            .ok_or("a tensor has no `data`")?
            .iter()
            .map(|x| number(x).ok_or("a data entry is not a number"))
            .collect::<std::result::Result<_, _>>()?;
        // Checked: the shape is untrusted and may multiply past usize::MAX.
        let numel = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        if numel != Some(data.len()) {
            return Err(format!(
                "a tensor of shape {shape:?} has {} values",
                data.len()
            ));
        }
        Ok(TensorData { shape, dtype, data })
    }

    /// As a float64 tensor.
    pub fn to_f64(&self) -> DynTensor<f64> {
        DynTensor::from_vec(self.data.clone(), &self.shape).expect("length checked when parsed")
    }

    /// As an int64 tensor.
    pub fn to_long(&self) -> LongTensor {
        LongTensor::from_vec(self.data.iter().map(|&x| x as i64).collect(), &self.shape)
            .expect("length checked when parsed")
    }

    /// Whether the dtype is an integer type.
    pub fn is_integer(&self) -> bool {
        self.dtype == "int64" || self.dtype == "bool"
    }
}

impl Case {
    /// A tensor-valued field of `inputs` (or, failing that, of `options`).
    pub fn input(&self, name: &str) -> std::result::Result<TensorData, String> {
        let v = self
            .raw
            .get("inputs")
            .and_then(|i| i.get(name))
            .or_else(|| self.options.get(name))
            .ok_or_else(|| format!("no input `{}`", excerpt(name)))?;
        TensorData::parse(v)
    }

    /// Whether `inputs` has a tensor of this name.
    pub fn has_input(&self, name: &str) -> bool {
        self.raw.get("inputs").and_then(|i| i.get(name)).is_some()
    }

    /// A tensor-valued option (`weight`, `pos_weight`), if present and not null.
    pub fn tensor_option(&self, name: &str) -> std::result::Result<Option<TensorData>, String> {
        match self.options.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => TensorData::parse(v).map(Some),
        }
    }

    /// A number option with a default.
    pub fn f64_option(&self, name: &str, default: f64) -> f64 {
        self.options.get(name).and_then(number).unwrap_or(default)
    }

    /// An integer option with a default.
    pub fn i64_option(&self, name: &str, default: i64) -> i64 {
        self.options
            .get(name)
            .and_then(Value::as_i64)
            .unwrap_or(default)
    }

    /// A boolean option with a default.
    pub fn bool_option(&self, name: &str, default: bool) -> bool {
        self.options
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(default)
    }

    /// A string option with a default.
    pub fn str_option<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.options
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or(default)
    }

    /// The names in `requires_grad`.
    pub fn requires_grad(&self) -> Vec<String> {
        self.raw
            .get("requires_grad")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `grad_output`, if present.
    pub fn grad_output(&self) -> std::result::Result<Option<TensorData>, String> {
        match self.raw.get("grad_output") {
            None | Some(Value::Null) => Ok(None),
            Some(v) => TensorData::parse(v).map(Some),
        }
    }

    /// The `expected` object.
    pub fn expected(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.raw
            .get("expected")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// Whether PyTorch rejects this case (`expected.error`).
    pub fn expects_error(&self) -> bool {
        self.expected().contains_key("error")
    }

    /// `expected.output`.
    pub fn expected_output(&self) -> std::result::Result<TensorData, String> {
        TensorData::parse(self.expected().get("output").ok_or("no expected output")?)
    }

    /// `expected.grad[name]`, if present.
    pub fn expected_grad(&self, name: &str) -> std::result::Result<Option<TensorData>, String> {
        match self.expected().get("grad").and_then(|g| g.get(name)) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => TensorData::parse(v).map(Some),
        }
    }
}
