namespace SparsityBounds.Operators;

/// <summary>
/// A symmetric operator whose products can run on several threads at once through views: each view shares the
/// operator's read-only state (for an MLP curvature operator: the weights and the cached primal pass) and has its own
/// working buffers, so different views, and the operator itself, may be applied at the same time from different threads.
/// </summary>
/// <remarks>
/// <para>Stochastic Lanczos quadrature uses it to run its probes concurrently, one probe per core
/// (<see cref="Spectral.SlqOptions.ConcurrentProbes"/>): each core then alternates its own products, which are
/// compute-bound, with the passes over its own Lanczos basis, which are bound by memory bandwidth, so one probe's
/// passes overlap another's products instead of sharing the bandwidth of a step in which both cores wait
/// (docs/benchmarks.md, end to end).</para>
/// <para>Each view must give bitwise the same products as the operator for the same vector, and each view, like any
/// <see cref="ISymmetricOperator"/>, is applied from one thread at a time. The operator's own parallelism still
/// applies inside a view; when the library's worker threads are busy with the concurrent probes, a view's product runs
/// on the calling thread alone, with the same result.</para>
/// </remarks>
public interface IConcurrentSymmetricOperator : ISymmetricOperator
{
    /// <summary>Creates a view: the same operator (same <see cref="ISymmetricOperator.Dimension"/>, bitwise the same
    /// products) with its own working buffers, applicable concurrently with this instance and with every other view.</summary>
    /// <returns>The view; it keeps this operator's read-only state alive.</returns>
    ISymmetricOperator CreateConcurrentView();
}
