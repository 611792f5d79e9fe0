using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Numerics;

/// <summary>
/// Orthogonalisation of one vector against an orthonormal basis stored as separate vectors: classical
/// Gram–Schmidt applied twice (CGS2), blocked by four so the basis is streamed with <see cref="VectorKernels.Dot4"/>
/// and <see cref="KrylovKernels.SubtractCombination4"/>.
/// </summary>
/// <remarks>
/// Two classical passes leave ‖Vᵀw‖ at the level of roundoff for any w not (numerically) inside span V
/// (Giraud, Langou, Rozložník, Comput. Math. Appl. 50, 2005: "twice is enough"). The second pass runs only when the
/// first removed a large part of w, ‖w₁‖ &lt; ‖w₀‖/√2 (the Daniel–Gragg–Kaufman–Stewart criterion, Math. Comp. 30,
/// 1976; ARPACK's dsaitr uses 0.717): otherwise the first pass already left w orthogonal to working precision. In a
/// Lanczos run w is nearly orthogonal to the basis before the pass, so the second read of the basis, the cost that
/// dominates a long run on a large operator (memory traffic of the stored vectors), is mostly skipped. Each pass's
/// coefficients are accumulated, so the caller gets the full projection Vᵀw₀.
/// </remarks>
internal static class GramSchmidt
{
    /// <summary>
    /// w ← (I − VVᵀ)² w with V = basis[0..count); adds the projection coefficients of both passes to
    /// <paramref name="coefficients"/>[0..count) (which the caller zeroes or seeds). Returns ‖w‖ afterwards.
    /// </summary>
    internal static double OrthogonalizeTwice(double[][] basis, int count, Span<double> w, Span<double> coefficients)
    {
        if (coefficients.Length < count)
            throw new ArgumentException($"coefficients has length {coefficients.Length}; expected at least {count}.", nameof(coefficients));
        Span<double> block = stackalloc double[4];
        double norm = VectorKernels.Norm(w);
        for (int pass = 0; pass < 2; pass++)
        {
            int i = 0;
            for (; i + 4 <= count; i += 4)
            {
                VectorKernels.Dot4(basis[i], basis[i + 1], basis[i + 2], basis[i + 3], w, block);
                KrylovKernels.SubtractCombination4(basis[i], basis[i + 1], basis[i + 2], basis[i + 3], block, w);
                coefficients[i] += block[0];
                coefficients[i + 1] += block[1];
                coefficients[i + 2] += block[2];
                coefficients[i + 3] += block[3];
            }
            for (; i < count; i++)
            {
                double c = VectorKernels.Dot1(basis[i], w);
                VectorKernels.Axpy(-c, basis[i], w);
                coefficients[i] += c;
            }
            double after = VectorKernels.Norm(w);
            // DGKS: a pass that kept more than 1/√2 of the norm left no cancellation to clean up.
            if (after * after > 0.5 * norm * norm) return after;
            norm = after;
        }
        return norm;
    }

    /// <summary>
    /// As <see cref="OrthogonalizeTwice(double[][], int, Span{double}, Span{double})"/> against the basis vectors
    /// basis[indices[0..]], in that order; coefficients[i] receives the projection on basis[indices[i]].
    /// </summary>
    internal static double OrthogonalizeTwice(double[][] basis, ReadOnlySpan<int> indices, Span<double> w, Span<double> coefficients)
    {
        int count = indices.Length;
        if (coefficients.Length < count)
            throw new ArgumentException($"coefficients has length {coefficients.Length}; expected at least {count}.", nameof(coefficients));
        Span<double> block = stackalloc double[4];
        double norm = VectorKernels.Norm(w);
        for (int pass = 0; pass < 2; pass++)
        {
            int i = 0;
            for (; i + 4 <= count; i += 4)
            {
                double[] b0 = basis[indices[i]], b1 = basis[indices[i + 1]], b2 = basis[indices[i + 2]], b3 = basis[indices[i + 3]];
                VectorKernels.Dot4(b0, b1, b2, b3, w, block);
                KrylovKernels.SubtractCombination4(b0, b1, b2, b3, block, w);
                coefficients[i] += block[0];
                coefficients[i + 1] += block[1];
                coefficients[i + 2] += block[2];
                coefficients[i + 3] += block[3];
            }
            for (; i < count; i++)
            {
                double[] b = basis[indices[i]];
                double c = VectorKernels.Dot1(b, w);
                VectorKernels.Axpy(-c, b, w);
                coefficients[i] += c;
            }
            double after = VectorKernels.Norm(w);
            if (after * after > 0.5 * norm * norm) return after;
            norm = after;
        }
        return norm;
    }
}
