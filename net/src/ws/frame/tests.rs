use super::*;

const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// A server (unmasked) frame.
fn server_frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    match payload.len() {
        n @ 0..=125 => out.push(n as u8),
        n @ 126..=65535 => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

fn data(buffer_type: BufferType, payload: &[u8]) -> Option<Received> {
    Some(Received::Data {
        buffer_type,
        payload: payload.to_vec(),
    })
}

#[test]
fn buffer_types_map_both_ways() {
    for t in [
        BufferType::BinaryMessage,
        BufferType::BinaryFragment,
        BufferType::Utf8Message,
        BufferType::Utf8Fragment,
        BufferType::Close,
    ] {
        assert_eq!(BufferType::from_winhttp(t.to_winhttp()), Ok(t));
    }
    assert_eq!(BufferType::from_winhttp(5), Err(ERROR_INVALID_PARAMETER));
}

#[test]
fn rfc_6455_masked_hello_example() {
    // RFC 6455 §5.7: a masked "Hello" from a client.
    let mut enc = Encoder::new();
    let bytes = enc
        .encode_send(BufferType::Utf8Message, b"Hello", MASK)
        .expect("encodes");
    assert_eq!(
        bytes,
        [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
    );
}

#[test]
fn fragments_use_continuation_and_keep_their_kind() {
    let mut enc = Encoder::new();
    let first = enc
        .encode_send(BufferType::BinaryFragment, b"ab", MASK)
        .expect("first");
    assert_eq!(first[0], 0x02, "binary opcode, FIN clear");
    assert_eq!(enc.open_fragment(), Some(MessageKind::Binary));
    // WH-R39: a UTF8 type after a binary fragment is 87.
    assert_eq!(
        enc.encode_send(BufferType::Utf8Message, b"x", MASK),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        enc.encode_send(BufferType::Close, b"", MASK),
        Err(ERROR_INVALID_PARAMETER)
    );
    let middle = enc
        .encode_send(BufferType::BinaryFragment, b"cd", MASK)
        .expect("middle");
    assert_eq!(middle[0], 0x00, "continuation, FIN clear");
    let last = enc
        .encode_send(BufferType::BinaryMessage, b"ef", MASK)
        .expect("last");
    assert_eq!(last[0], 0x80, "continuation, FIN set");
    assert_eq!(enc.open_fragment(), None);
    let text = enc
        .encode_send(BufferType::Utf8Message, b"x", MASK)
        .expect("new message");
    assert_eq!(text[0], 0x81);
    assert_eq!(text[1] & 0x80, 0x80, "client frames are masked");
}

/// WH-R9 table: a close reason over 123 bytes is 87 (WinHttpWebSocketShutdown / Close).
#[test]
fn close_frame_encoding() {
    let bytes = encode_close(1000, b"bye", MASK).expect("encodes");
    assert_eq!(bytes[0], 0x88);
    assert_eq!(bytes[1], 0x80 | 5);
    let unmasked: Vec<u8> = bytes[6..]
        .iter()
        .zip(MASK.iter().cycle())
        .map(|(b, m)| b ^ m)
        .collect();
    assert_eq!(unmasked, [0x03, 0xe8, b'b', b'y', b'e']);
    assert_eq!(
        encode_close(1000, &[b'a'; 124], MASK),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert!(encode_close(1000, &[b'a'; 123], MASK).is_ok());
    assert_eq!(
        encode_close(EMPTY_CLOSE_STATUS, b"", MASK).map(|b| b[1]),
        Ok(0x80)
    );
    assert_eq!(
        encode_close(EMPTY_CLOSE_STATUS, b"r", MASK),
        Err(ERROR_INVALID_PARAMETER)
    );
}

#[test]
fn large_message_comes_back_in_buffer_sized_fragments() {
    let mut dec = Decoder::new(1 << 20);
    dec.feed(&server_frame(0x82, b"0123456789"));
    assert_eq!(
        dec.poll(4, MASK),
        Ok(data(BufferType::BinaryFragment, b"0123"))
    );
    assert_eq!(
        dec.poll(4, MASK),
        Ok(data(BufferType::BinaryFragment, b"4567"))
    );
    assert_eq!(
        dec.poll(4, MASK),
        Ok(data(BufferType::BinaryMessage, b"89"))
    );
    assert_eq!(dec.poll(4, MASK), Ok(None));
    assert!(!dec.in_message());
}

#[test]
fn server_fragmented_text_message_and_partial_input() {
    let mut dec = Decoder::new(1 << 20);
    let mut wire = server_frame(0x01, b"he");
    wire.extend(server_frame(0x80, b"llo"));
    // Byte by byte: every payload byte comes back as soon as it arrives; only the very
    // last byte of the message is a MESSAGE, the others are FRAGMENTs.
    let mut got = Vec::new();
    for b in &wire {
        dec.feed(&[*b]);
        while let Some(event) = dec.poll(64, MASK).expect("valid") {
            got.push(event);
        }
    }
    let expected: Vec<Received> = [
        (BufferType::Utf8Fragment, b"h"),
        (BufferType::Utf8Fragment, b"e"),
        (BufferType::Utf8Fragment, b"l"),
        (BufferType::Utf8Fragment, b"l"),
        (BufferType::Utf8Message, b"o"),
    ]
    .into_iter()
    .filter_map(|(t, p)| data(t, p))
    .collect();
    assert_eq!(got, expected);
    assert!(dec.is_idle());

    // The same bytes fed at once: one chunk per frame.
    let mut whole = Decoder::new(1 << 20);
    whole.feed(&wire);
    assert_eq!(
        whole.poll(64, MASK),
        Ok(data(BufferType::Utf8Fragment, b"he"))
    );
    assert_eq!(
        whole.poll(64, MASK),
        Ok(data(BufferType::Utf8Message, b"llo"))
    );
    // A frame cut in its header is not idle: EOF there is a broken frame.
    whole.feed(&[0x82]);
    assert_eq!(whole.poll(64, MASK), Ok(None));
    assert!(!whole.is_idle());
}

#[test]
fn utf8_split_across_chunks_is_valid_but_invalid_bytes_are_1007() {
    let mut dec = Decoder::new(1 << 20);
    dec.feed(&server_frame(0x81, "é!".as_bytes()));
    assert_eq!(
        dec.poll(1, MASK),
        Ok(data(BufferType::Utf8Fragment, &[0xc3]))
    );
    assert_eq!(
        dec.poll(8, MASK),
        Ok(data(BufferType::Utf8Message, &[0xa9, b'!']))
    );

    let mut bad = Decoder::new(1 << 20);
    bad.feed(&server_frame(0x81, &[b'a', 0xff]));
    let err = DecodeError {
        error: wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
        close_status: Some(wh::WINHTTP_WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS as u16),
    };
    assert_eq!(bad.poll(8, MASK), Err(err));
    assert_eq!(bad.poll(8, MASK), Err(err), "stays failed");

    let mut truncated = Decoder::new(1 << 20);
    truncated.feed(&server_frame(0x81, &[0xc3]));
    assert_eq!(
        truncated.poll(8, MASK),
        Err(err),
        "message ends inside a character"
    );
}

#[test]
fn protocol_violations_are_12152_with_1002_or_1009() {
    let protocol = DecodeError {
        error: wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
        close_status: Some(wh::WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS as u16),
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("masked server frame", vec![0x82, 0x81, 1, 2, 3, 4, 0]),
        ("reserved opcode", vec![0x83, 0x00]),
        ("rsv bit", vec![0xc2, 0x00]),
        ("continuation without message", vec![0x80, 0x00]),
        ("fragmented ping", vec![0x09, 0x00]),
        ("long ping", server_frame(0x89, &[0; 126])),
        ("one-byte close", vec![0x88, 0x01, 0x03]),
        (
            "new message inside fragmented one",
            [server_frame(0x02, b"a"), server_frame(0x82, b"b")].concat(),
        ),
    ];
    for (what, wire) in cases {
        let mut dec = Decoder::new(1 << 20);
        dec.feed(&wire);
        let mut result = dec.poll(64, MASK);
        // Let a first, valid fragment through.
        if matches!(result, Ok(Some(_))) {
            result = dec.poll(64, MASK);
        }
        assert_eq!(result, Err(protocol), "{what}");
    }
    let mut dec = Decoder::new(16);
    dec.feed(&server_frame(0x82, &[0; 17]));
    assert_eq!(
        dec.poll(64, MASK),
        Err(DecodeError {
            error: wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
            close_status: Some(wh::WINHTTP_WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS as u16)
        })
    );
    // A 64-bit length far beyond memory is refused from the header alone.
    let mut huge = Decoder::new(1 << 20);
    huge.feed(&[0x82, 127, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    assert!(huge.poll(64, MASK).is_err());
}

#[test]
fn control_frames_between_fragments() {
    let mut dec = Decoder::new(1 << 20);
    let wire = [
        server_frame(0x01, b"a"),
        server_frame(0x89, b"hi"),
        server_frame(0x8a, b""),
        server_frame(0x80, b"b"),
        server_frame(0x88, &[0x03, 0xe8, b'o', b'k']),
    ]
    .concat();
    dec.feed(&wire);
    assert_eq!(dec.poll(64, MASK), Ok(data(BufferType::Utf8Fragment, b"a")));
    let pong = encode_pong(b"hi", MASK);
    assert_eq!(pong[0], 0x8a);
    assert_eq!(dec.poll(64, MASK), Ok(Some(Received::Ping { pong })));
    assert_eq!(dec.poll(64, MASK), Ok(Some(Received::Pong)));
    assert_eq!(dec.poll(64, MASK), Ok(data(BufferType::Utf8Message, b"b")));
    assert_eq!(
        dec.poll(64, MASK),
        Ok(Some(Received::Close {
            status: 1000,
            reason: b"ok".to_vec()
        }))
    );
}

/// WH-R41: the peer's close is reported as buffer type CLOSE; a body-less close frame
/// reads as status 1005 (`WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS`).
#[test]
fn close_without_body_is_1005_and_bad_reason_is_1007() {
    let mut dec = Decoder::new(1 << 20);
    dec.feed(&server_frame(0x88, b""));
    assert_eq!(
        dec.poll(8, MASK),
        Ok(Some(Received::Close {
            status: EMPTY_CLOSE_STATUS,
            reason: Vec::new()
        }))
    );
    let mut bad = Decoder::new(1 << 20);
    bad.feed(&server_frame(0x88, &[0x03, 0xe8, 0xff]));
    assert_eq!(
        bad.poll(8, MASK).map_err(|e| e.close_status),
        Err(Some(1007))
    );
}

#[test]
fn empty_messages_and_zero_buffer() {
    let mut dec = Decoder::new(1 << 20);
    dec.feed(
        &[
            server_frame(0x81, b""),
            server_frame(0x02, b""),
            server_frame(0x80, b"z"),
        ]
        .concat(),
    );
    assert_eq!(dec.poll(8, MASK), Ok(data(BufferType::Utf8Message, b"")));
    assert_eq!(
        dec.poll(8, MASK),
        Ok(data(BufferType::BinaryMessage, b"z")),
        "empty non-final fragment skipped"
    );
    assert_eq!(
        dec.poll(0, MASK).map_err(|e| e.error),
        Err(ERROR_INVALID_PARAMETER)
    );
}

#[test]
fn sixteen_bit_lengths_round_trip_through_tungstenite() {
    let payload = vec![7u8; 300];
    let mut dec = Decoder::new(1 << 20);
    dec.feed(&server_frame(0x82, &payload));
    assert_eq!(
        dec.poll(1000, MASK),
        Ok(data(BufferType::BinaryMessage, &payload))
    );
    let mut enc = Encoder::new();
    let bytes = enc
        .encode_send(BufferType::BinaryMessage, &payload, MASK)
        .expect("encodes");
    assert_eq!(bytes[1], 0x80 | 126);
    assert_eq!(bytes.len(), 2 + 2 + 4 + 300);
}

#[test]
fn handshake_keys() {
    // RFC 6455 §1.3 example.
    assert_eq!(
        accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
    let key = generate_key().expect("OS randomness");
    assert_eq!(key.len(), 24);
    assert_ne!(key, generate_key().expect("OS randomness"));
    let good = HeaderStore::parse_response_head(&format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
            accept_key(&key)
        ))
        .expect("head");
    assert_eq!(verify_upgrade(101, &good, &key), Ok(()));
    assert_eq!(
        verify_upgrade(200, &good, &key),
        Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
    );
    let wrong = HeaderStore::parse_response_head(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
        )
        .expect("head");
    assert_eq!(
        verify_upgrade(101, &wrong, &key),
        Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
    );
    assert_eq!(random_mask().map(|m| m.len()), Ok(4));
    let headers = upgrade_request_headers(&key);
    assert_eq!(headers[2], ("Sec-WebSocket-Version", "13".to_owned()));
    assert_eq!(headers[3], ("Sec-WebSocket-Key", key.clone()));
}

#[test]
fn hostile_byte_soup_never_panics() {
    // A deterministic pseudo-random stream (xorshift), bounded in length.
    let mut state: u32 = 0x9e37_79b9;
    for round in 0..200 {
        let mut dec = Decoder::new(4096);
        let len = 1 + round * 3;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        dec.feed(&bytes);
        for _ in 0..64 {
            match dec.poll(7, MASK) {
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        assert!(dec.buffered() <= bytes.len());
    }
}
