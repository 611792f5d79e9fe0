namespace SparsityBounds.Models;

/// <summary>Arithmetic of the curvature products of <see cref="MlpObjective.Hessian"/> and <see cref="MlpObjective.GaussNewton"/>.</summary>
/// <remarks>See <see cref="MlpObjective.ProductPrecision"/> for the measured accuracy and when to choose <see cref="Single"/>.</remarks>
public enum ProductPrecision
{
    /// <summary>Everything in double precision (the default).</summary>
    Double,

    /// <summary>Primal cache, weights, direction and the batched GEMMs in float32 (twice the SIMD lanes, half the cached
    /// bytes), with float32 accumulation only within one 64-sample block and the per-block contributions added into double
    /// accumulators; inputs and outputs stay double.</summary>
    Single,
}
