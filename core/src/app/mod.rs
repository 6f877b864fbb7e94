//! What the shells call: the web app and the CLI send an [`edit::Edit`] and
//! draw a [`view::Board`], both computed here from the stages below (crux's
//! update/view contract without the framework). Also the reports the CLI
//! prints (placing from the tasks running now in `from_current`), the comparison with a baseline, the training walkthroughs, and the
//! JSON entry points of the exchange module (export, import, share links).

pub mod compare;
pub mod edit;
pub mod exchange;
pub mod fixes;
pub mod from_current;
pub mod report;
pub mod view;
pub mod walkthrough;
