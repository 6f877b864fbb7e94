//! The `#plan=` fragment of a shared link: decoding never panics and never
//! inflates past the cap; a plan that decodes encodes and decodes to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(fragment) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(plan) = berth_core::input::share::decode(fragment) else {
        return;
    };
    let again = berth_core::input::share::encode(&plan);
    assert_eq!(berth_core::input::share::decode(&again).as_ref(), Ok(&plan));
});
