//! The sampler and randperm against sequences PyTorch produced
//! (`tests/data/distributed_sampler.json`, from
//! `scripts/make_sampler_fixture.py`).

use kiln_distributed::{DistributedSampler, randperm};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/data/distributed_sampler.json"
    );
    let text = std::fs::read_to_string(path).expect("the shipped fixture");
    serde_json::from_str(&text).expect("valid JSON")
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_u64().expect("an index") as usize)
        .collect()
}

fn field(case: &Value, name: &str) -> u64 {
    case[name].as_u64().expect(name)
}

#[test]
fn sampler_matches_pytorch() {
    let cases = fixture()["sampler"].as_array().unwrap().clone();
    assert!(cases.len() > 600);
    for case in &cases {
        let mut sampler = DistributedSampler::new(
            field(case, "len") as usize,
            field(case, "world") as usize,
            field(case, "rank") as usize,
        )
        .unwrap()
        .shuffle(case["shuffle"].as_bool().unwrap())
        .seed(field(case, "seed"))
        .drop_last(case["drop_last"].as_bool().unwrap());
        sampler.set_epoch(field(case, "epoch"));
        assert_eq!(sampler.len(), field(case, "num_samples") as usize, "{case}");
        assert_eq!(sampler.indices(), usizes(&case["indices"]), "{case}");
    }
}

#[test]
fn randperm_matches_pytorch() {
    let data = fixture();
    for case in data["randperm"].as_array().unwrap() {
        let perm = randperm(field(case, "n") as usize, field(case, "seed")).unwrap();
        assert_eq!(perm, usizes(&case["perm"]), "{case}");
    }
    for case in data["randperm_summary"].as_array().unwrap() {
        let perm = randperm(field(case, "n") as usize, field(case, "seed")).unwrap();
        assert_eq!(perm[..16], usizes(&case["head"]), "{case}");
        assert_eq!(perm[perm.len() - 16..], usizes(&case["tail"]), "{case}");
        let checksum: u64 = perm.iter().enumerate().map(|(i, &v)| (i * v) as u64).sum();
        assert_eq!(checksum, field(case, "checksum"), "{case}");
    }
}
