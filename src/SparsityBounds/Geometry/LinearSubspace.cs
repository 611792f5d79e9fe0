using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Geometry;

/// <summary>A linear subspace L ⊆ ℝ^d, a (two-sided) convex cone with Π_L(x) = Q Qᵀ x for an orthonormal basis Q.</summary>
/// <remarks>
/// Statistical dimension dim L and a single intrinsic volume v_{dim L} = 1 (<see cref="StatisticalDimension.Subspace"/>,
/// <see cref="IntrinsicVolumes.Subspace"/>). The spanning vectors are orthonormalised by modified Gram–Schmidt applied
/// twice ("twice is enough": Giraud, Langou, Rozložník, Comput. Math. Appl. 50, 2005). A projection costs O(d·dim L), or
/// O(d) for a coordinate subspace. Stateless after construction: thread-safe.
/// </remarks>
public sealed class LinearSubspace : IConvexCone, IThreadSafeProjection
{
    // Orthonormal basis vectors, one per row of length Dimension; null for a coordinate subspace.
    private readonly double[]? _basis;
    // Kept coordinates of a coordinate subspace; null otherwise.
    private readonly bool[]? _coordinates;

    /// <summary>The span of the columns of <paramref name="spanningColumns"/> (shape [d, k]); the columns must be linearly independent.</summary>
    /// <param name="spanningColumns">A d × k matrix whose k columns span the subspace (k may be 0: the zero subspace).</param>
    /// <exception cref="ArgumentNullException"><paramref name="spanningColumns"/> is null.</exception>
    /// <exception cref="ArgumentException">d = 0, k &gt; d, an entry is not finite, or a column is zero or (numerically,
    /// relative 1e-10) a combination of the previous ones.</exception>
    public LinearSubspace(double[,] spanningColumns)
    {
        Preconditions.CheckNotNull(spanningColumns);
        int d = spanningColumns.GetLength(0), k = spanningColumns.GetLength(1);
        if (d == 0) throw new ArgumentException("spanningColumns must have at least one row (the dimension).", nameof(spanningColumns));
        if (k > d)
            throw new ArgumentException($"spanningColumns has {k} columns in dimension {d}; at most {d} can be linearly independent.", nameof(spanningColumns));
        for (int i = 0; i < d; i++)
            for (int j = 0; j < k; j++)
                if (!double.IsFinite(spanningColumns[i, j]))
                    throw new ArgumentException($"spanningColumns[{i}, {j}] is {Preconditions.Format(spanningColumns[i, j])}; every entry must be finite.", nameof(spanningColumns));
        Dimension = d;
        SubspaceDimension = k;
        _basis = new double[d * k];
        for (int j = 0; j < k; j++)
        {
            Span<double> v = _basis.AsSpan(j * d, d);
            for (int i = 0; i < d; i++) v[i] = spanningColumns[i, j];
            Orthonormalize(_basis, j, d, nameof(spanningColumns));
        }
    }

    private LinearSubspace(int dimension, int subspaceDimension, double[]? basis, bool[]? coordinates)
    {
        Dimension = dimension;
        SubspaceDimension = subspaceDimension;
        _basis = basis;
        _coordinates = coordinates;
    }

    /// <summary>The coordinate subspace spanned by e_i for the given indices (e.g. the weights a pruning keeps).</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="coordinates">Distinct indices in [0, d).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1 or an index outside [0, d).</exception>
    /// <exception cref="ArgumentException">An index is repeated.</exception>
    public static LinearSubspace Coordinate(int dimension, ReadOnlySpan<int> coordinates)
    {
        ConeArguments.CheckDimension(dimension);
        var mask = new bool[dimension];
        for (int j = 0; j < coordinates.Length; j++)
        {
            int index = coordinates[j];
            if (index < 0 || index >= dimension)
                throw new ArgumentOutOfRangeException(nameof(coordinates), index, $"coordinates[{j}] = {index} lies outside [0, {dimension}).");
            if (mask[index]) throw new ArgumentException($"coordinates[{j}] = {index} is repeated.", nameof(coordinates));
            mask[index] = true;
        }
        return new LinearSubspace(dimension, coordinates.Length, null, mask);
    }

    /// <summary>
    /// A uniformly distributed (rotation-invariant) random subspace: Gram–Schmidt of a d × k standard Gaussian matrix whose
    /// column j is <see cref="CounterRandom"/> stream j of <paramref name="seed"/>. The object of the kinematic formula.
    /// </summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="subspaceDimension">k in [0, d].</param>
    /// <param name="seed">Random seed; the same seed gives the same subspace.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1 or <paramref name="subspaceDimension"/> outside [0, d].</exception>
    public static LinearSubspace Random(int dimension, int subspaceDimension, int seed)
    {
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckAtMostDimension(subspaceDimension, dimension, nameof(subspaceDimension));
        var basis = new double[dimension * subspaceDimension];
        for (int j = 0; j < subspaceDimension; j++)
        {
            CounterRandom.FillGaussian(seed, j, basis.AsSpan(j * dimension, dimension));
            Orthonormalize(basis, j, dimension, nameof(seed));
        }
        return new LinearSubspace(dimension, subspaceDimension, basis, null);
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>dim L, which is also its statistical dimension.</summary>
    public int SubspaceDimension { get; }

    /// <summary>True for a subspace built by <see cref="Coordinate"/>.</summary>
    public bool IsCoordinateSubspace => _coordinates is not null;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A length differs from <see cref="Dimension"/>, the spans overlap, or x is not finite.</exception>
    public void Project(ReadOnlySpan<double> x, Span<double> result)
    {
        ConeArguments.CheckProjection(Dimension, x, result);
        if (_coordinates is not null)
        {
            for (int i = 0; i < x.Length; i++) result[i] = _coordinates[i] ? x[i] : 0.0;
            return;
        }
        result.Clear();
        int d = Dimension;
        for (int j = 0; j < SubspaceDimension; j++)
        {
            ReadOnlySpan<double> q = _basis.AsSpan(j * d, d);
            VectorKernels.Axpy(VectorKernels.Dot(q, x), q, result);
        }
    }

    // Orthogonalises row j of the row-major basis against rows 0..j−1 (two passes) and normalises it.
    private static void Orthonormalize(double[] basis, int j, int d, string parameterName)
    {
        Span<double> v = basis.AsSpan(j * d, d);
        double original = VectorKernels.Norm(v);
        if (!(original > 0)) throw new ArgumentException($"Column {j} is zero.", parameterName);
        for (int pass = 0; pass < 2; pass++)
            for (int previous = 0; previous < j; previous++)
            {
                ReadOnlySpan<double> q = basis.AsSpan(previous * d, d);
                VectorKernels.Axpy(-VectorKernels.Dot(q, v), q, v);
            }
        double norm = VectorKernels.Norm(v);
        if (!(norm > 1e-10 * original))
            throw new ArgumentException($"Column {j} is (numerically) a linear combination of the previous columns.", parameterName);
        VectorKernels.Scale(1.0 / norm, v, v);
    }
}
