using System.Buffers;

namespace SparsityBounds.Geometry;

/// <summary>The monotone cone {x : x₁ ≤ x₂ ≤ … ≤ x_d} (the Weyl chamber of type A; it contains the line spanned by (1, …, 1)).</summary>
/// <remarks>
/// Projection = isotonic regression with unit weights, by the pool-adjacent-violators algorithm (Ayer et al., Ann.
/// Math. Statist. 26, 1955; Best and Chakravarti, Math. Program. 47, 1990): O(d) time. Statistical dimension is the
/// harmonic number H_d and the intrinsic volumes are v_k = [d k]/d!, unsigned Stirling numbers of the first kind
/// (Amelunxen, Lotz, McCoy, Tropp 2014, Sec. D.4), see <see cref="StatisticalDimension.MonotoneCone"/>.
/// Scratch comes from <see cref="ArrayPool{T}.Shared"/> (no steady-state allocation); thread-safe.
/// </remarks>
public sealed class MonotoneCone : IConvexCone, IThreadSafeProjection
{
    /// <summary>The monotone cone of ℝ^<paramref name="dimension"/>.</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    public MonotoneCone(int dimension)
    {
        ConeArguments.CheckDimension(dimension);
        Dimension = dimension;
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A length differs from <see cref="Dimension"/>, the spans overlap, or x is not finite.</exception>
    public void Project(ReadOnlySpan<double> x, Span<double> result)
    {
        ConeArguments.CheckProjection(Dimension, x, result);
        int[] counts = ArrayPool<int>.Shared.Rent(x.Length);
        try
        {
            // A stack of blocks (sum, count) whose means increase; result[b] holds block b's sum.
            int blocks = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double sum = x[i];
                int count = 1;
                // Pool while the previous block's mean exceeds this one's: sum_prev/count_prev > sum/count.
                while (blocks > 0 && result[blocks - 1] * count > sum * counts[blocks - 1])
                {
                    blocks--;
                    sum += result[blocks];
                    count += counts[blocks];
                }
                result[blocks] = sum;
                counts[blocks] = count;
                blocks++;
            }
            // Expand from the right so block sums are read before they are overwritten (block b starts at or after index b).
            int end = x.Length;
            for (int b = blocks - 1; b >= 0; b--)
            {
                double mean = result[b] / counts[b];
                int start = end - counts[b];
                result[start..end].Fill(mean);
                end = start;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
        }
    }
}
