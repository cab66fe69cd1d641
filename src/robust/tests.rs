//! Unit tests of the robustness assessment.
