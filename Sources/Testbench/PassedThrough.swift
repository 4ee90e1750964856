/// An error a layer hands on unchanged, kept apart from the errors it maps into its own
/// (a producer's error through a document store's write, a write's error past the Sampler's reading).
struct PassedThrough: Error {
    var error: any Error
}
