//! The `serve` example answers over real HTTP: the server started in this
//! process on a free loopback port (the example's own modules), a ureq
//! client sending the shipped digits and bad bodies, and every refusal's
//! status and exact message checked.

#[path = "../examples/serve/client.rs"]
mod client;
#[allow(dead_code)]
#[path = "../examples/serve/mod.rs"]
mod server;

use client::{Client, Reply};
use server::model::{self, LeNet};
use server::run::Background;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// What `cargo run --example embed -- examples/data/digit-D.png` prints as
/// its prediction for D = 0..9.
const EMBED_PREDICTS: [usize; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

fn model() -> Arc<LeNet> {
    static MODEL: OnceLock<Arc<LeNet>> = OnceLock::new();
    let shipped = || Arc::new(model::load(model::SHIPPED_WEIGHTS.as_ref()).unwrap());
    Arc::clone(MODEL.get_or_init(shipped))
}

fn start() -> (Background, Client) {
    let server = Background::start(model(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let client = Client::new(&server.url(""), Duration::from_secs(30));
    (server, client)
}

fn digits() -> Vec<Vec<u8>> {
    client::shipped_digits().unwrap()
}

/// The classes of a 200 answer, checking its form on the way.
fn classes(reply: &Reply) -> Vec<usize> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let top3 = answer["top3"].as_array().unwrap();
    assert_eq!(top3.len(), 3);
    let p: Vec<f64> = top3
        .iter()
        .map(|s| s["probability"].as_f64().unwrap())
        .collect();
    assert!(p[0] >= p[1] && p[1] >= p[2] && p[2] >= 0.0 && p.iter().sum::<f64>() <= 1.0 + 1e-6);
    top3.iter()
        .map(|s| s["class"].as_u64().unwrap() as usize)
        .collect()
}

/// A refusal: its status and its `{"error": ...}` message.
fn refusal(reply: &Reply) -> (u16, String) {
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    (reply.status, answer["error"].as_str().unwrap().to_string())
}

fn png(image: image::DynamicImage) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

#[test]
fn the_shipped_digits_get_embeds_predictions() {
    let (server, client) = start();
    for (digit, png) in digits().iter().enumerate() {
        let reply = client.post("/predict", png).unwrap();
        assert_eq!(
            classes(&reply)[0],
            EMBED_PREDICTS[digit],
            "digit-{digit}.png"
        );
        // The same answer, to the last bit, as the model in this process.
        let pixels = server::digit::pixels(png).unwrap();
        let top3 = model::top3(&model(), pixels);
        let expected = serde_json::to_string(&server::routes::Answer { top3 }).unwrap();
        assert_eq!(reply.body, expected);
    }
    server.stop().unwrap();
}

#[test]
fn the_answer_reads_as_documented() {
    let (_server, client) = start();
    let reply = client.post("/predict", &digits()[7]).unwrap();
    assert!(
        reply
            .body
            .starts_with(r#"{"top3":[{"class":7,"probability":0.99"#),
        "{}",
        reply.body
    );
}

#[test]
fn colour_and_a_dark_digit_on_white_are_read_as_gray_white_on_black() {
    let (_server, client) = start();
    let gray = image::load_from_memory(&digits()[3]).unwrap();
    let expected = client.post("/predict", &digits()[3]).unwrap().body;
    let rgb = png(image::DynamicImage::ImageRgb8(gray.to_rgb8()));
    assert_eq!(client.post("/predict", &rgb).unwrap().body, expected);
    let mut inverted = gray.clone();
    inverted.invert();
    assert_eq!(
        classes(&client.post("/predict", &png(inverted)).unwrap())[0],
        3
    );
}

#[test]
fn bad_bodies_are_refused_with_a_message() {
    let (_server, client) = start();
    let seven = &digits()[7];
    // The header chunk's checksum (bytes 29..33) no longer matches.
    let mut bad_crc = seven.clone();
    bad_crc[30] ^= 0xff;
    let cases: [(&[u8], u16, &str); 5] = [
        (
            b"",
            400,
            "the body is empty: POST a 28x28 PNG image to /predict",
        ),
        (
            b"GIF89a...",
            415,
            "the body is not a PNG image (it does not start with PNG's signature): \
             POST a 28x28 PNG image to /predict",
        ),
        (
            &seven[..8],
            400,
            "the body is not a readable PNG image: unexpected end of file",
        ),
        (
            &seven[..seven.len() - 30],
            400,
            "the body is not a readable PNG image: unexpected end of file",
        ),
        (
            &bad_crc,
            400,
            "the body is not a readable PNG image: Format error decoding Png: \
             CRC error: expected 0x57998048 have 0x57668048 while decoding ChunkType \
             { type: IHDR, critical: true, private: false, reserved: false, safecopy: false } \
             chunk.",
        ),
    ];
    for (body, status, message) in cases {
        let reply = client.post("/predict", body).unwrap();
        assert_eq!(refusal(&reply), (status, message.to_string()));
    }
}

#[test]
fn a_png_of_another_size_is_refused_not_resized() {
    let (_server, client) = start();
    let photo = png(image::DynamicImage::new_luma8(640, 480));
    assert_eq!(
        refusal(&client.post("/predict", &photo).unwrap()),
        (
            422,
            "the image is 640x480 pixels, the model reads 28x28: resize it first".to_string()
        )
    );
}

#[test]
fn a_body_over_the_limit_is_refused() {
    let (_server, client) = start();
    let mut big = digits()[7].clone();
    big.resize(server::routes::BODY_LIMIT + 1, 0);
    assert_eq!(
        refusal(&client.post("/predict", &big).unwrap()),
        (
            413,
            "the body is larger than 65536 bytes (a 28x28 PNG is a few hundred): \
             POST a 28x28 PNG image to /predict"
                .to_string()
        )
    );
    // The limit itself is accepted: trailing bytes after the PNG's end are
    // ignored by the decoder.
    big.truncate(server::routes::BODY_LIMIT);
    assert_eq!(classes(&client.post("/predict", &big).unwrap())[0], 7);
}

#[test]
fn other_methods_and_paths_are_405_and_404() {
    let (_server, client) = start();
    let reply = client.send("GET", "/predict", b"").unwrap();
    assert_eq!(reply.allow.as_deref(), Some("POST"));
    assert_eq!(
        refusal(&reply),
        (
            405,
            "GET /predict is not allowed: POST a 28x28 PNG image to /predict".to_string()
        )
    );
    assert_eq!(
        refusal(&client.post("/classify", &digits()[7]).unwrap()),
        (
            404,
            "no route for POST /classify: POST a 28x28 PNG image to /predict".to_string()
        )
    );
}

/// Eight clients at once share the one model; every answer is the one a
/// single client gets.
#[test]
fn eight_concurrent_clients_get_the_same_answers() {
    let (server, client) = start();
    let digits = digits();
    let alone: Vec<String> = digits
        .iter()
        .map(|png| client.post("/predict", png).unwrap().body)
        .collect();
    std::thread::scope(|s| {
        for c in 0..8 {
            let (digits, alone, url) = (&digits, &alone, server.url(""));
            s.spawn(move || {
                let client = Client::new(&url, Duration::from_secs(30));
                for i in 0..30 {
                    let d = (c + i) % 10;
                    assert_eq!(client.post("/predict", &digits[d]).unwrap().body, alone[d]);
                }
            });
        }
    });
}

/// The server loads its weights before it listens: a bad file is an error
/// of `serve --weights FILE` at its start, never a failed request.
#[test]
fn a_bad_weights_file_is_an_error_before_the_server_starts() {
    let message = |path: &str| model::load(path.as_ref()).err().unwrap();
    assert_eq!(
        message("no/such/lenet.safetensors"),
        "no/such/lenet.safetensors: No such file or directory (os error 2)"
    );
    let png = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/digit-7.png");
    assert_eq!(
        message(png),
        format!(
            "{png}: not a safetensors file: its first 8 bytes give a header length of \
             727905341920923785 bytes, above the format's 100 MB limit"
        )
    );
}

#[test]
fn a_port_in_use_is_an_error_at_start() {
    let (server, _client) = start();
    let err = Background::start(model(), server.addr()).err().unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
}
