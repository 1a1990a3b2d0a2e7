"""Gradescope: the autograder zip of an assignment (`build_bundle`) and what runs inside Gradescope's container."""
from autograder.gradescope.bundle import BundleConfig, build_bundle, bundle_digest

__all__ = ["BundleConfig", "build_bundle", "bundle_digest"]
