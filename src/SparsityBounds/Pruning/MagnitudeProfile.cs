using SparsityBounds.Numerics;

namespace SparsityBounds.Pruning;

/// <summary>
/// Global magnitude pruning of a weight vector, sorted once: for a kept fraction ρ of the D_p prunable weights,
/// the mask keeping the k largest |w_j| and the projection distance R(ρ) = ‖w* − w^k‖₂ (THEORY.md §1).
/// </summary>
/// <remarks>
/// <para>Keep order: prunable weights by decreasing |w_j|, ties broken by lower index first. Non-prunable
/// weights are always kept. R(k) = sqrt(Σ of squares of the D_p − k smallest prunable weights), computed from
/// suffix sums accumulated smallest-first (so small tails are accurate); <see cref="Distance"/> interpolates R
/// linearly in k between integers so fixed points in ρ are continuous.</para>
/// <para>Construction is O(D log D); every query is O(1) or O(D) for masks. Immutable and thread-safe.</para>
/// </remarks>
public sealed class MagnitudeProfile
{
    private readonly double[] _weights;
    private readonly bool[] _prunable;
    private readonly int[] _keepOrder;      // prunable indices, largest |w| first
    private readonly double[] _tailSquares; // _tailSquares[k] = Σ_{j ≥ k in keep order} w², length D_p + 1

    /// <summary>Sorts the prunable weights by magnitude.</summary>
    /// <param name="weights">The trained weights w*; non-empty, finite.</param>
    /// <param name="prunable">Which weights may be pruned (length D); empty (default) means all.</param>
    /// <exception cref="ArgumentException">Empty or non-finite weights, a mask of the wrong length, or no prunable weight.</exception>
    public MagnitudeProfile(ReadOnlySpan<double> weights, ReadOnlySpan<bool> prunable = default)
        : this(weights, prunable, weights)
    {
    }

    /// <summary>
    /// Keep order from |<paramref name="weights"/>|, distances from <paramref name="distanceWeights"/>: R(k) = ‖d_F‖ for the
    /// coordinates F pruned in magnitude order (the first-order model measures the distance to a shifted centre d = w* − s).
    /// </summary>
    internal MagnitudeProfile(ReadOnlySpan<double> weights, ReadOnlySpan<bool> prunable, ReadOnlySpan<double> distanceWeights)
    {
        Preconditions.CheckNotEmpty(weights.Length, nameof(weights));
        Preconditions.CheckAllFinite(weights, nameof(weights));
        if (!prunable.IsEmpty) Preconditions.CheckLength(prunable.Length, weights.Length, nameof(prunable), "one flag per weight");
        _weights = weights.ToArray();
        _prunable = prunable.IsEmpty ? Enumerable.Repeat(true, weights.Length).ToArray() : prunable.ToArray();
        int count = 0;
        foreach (bool p in _prunable) if (p) count++;
        if (count == 0) throw new ArgumentException("prunable marks no weight as prunable; at least one is needed.", nameof(prunable));

        _keepOrder = new int[count];
        for (int i = 0, k = 0; i < _weights.Length; i++) if (_prunable[i]) _keepOrder[k++] = i;
        var w = _weights;
        Array.Sort(_keepOrder, (a, b) =>
        {
            int byMagnitude = Math.Abs(w[b]).CompareTo(Math.Abs(w[a]));
            return byMagnitude != 0 ? byMagnitude : a.CompareTo(b);
        });
        Preconditions.CheckLength(distanceWeights.Length, weights.Length, nameof(distanceWeights), "one entry per weight");
        Preconditions.CheckAllFinite(distanceWeights, nameof(distanceWeights));
        _tailSquares = new double[count + 1];
        for (int k = count - 1; k >= 0; k--)
        {
            double v = distanceWeights[_keepOrder[k]];
            _tailSquares[k] = _tailSquares[k + 1] + v * v;
        }
    }

    /// <summary>D: the total number of weights.</summary>
    public int Count => _weights.Length;

    /// <summary>D_p: the number of prunable weights.</summary>
    public int PrunableCount => _keepOrder.Length;

    /// <summary>Prunable indices in keep order: largest |w| first, ties by lower index.</summary>
    public ReadOnlySpan<int> KeepOrder => _keepOrder;

    /// <summary>The weights (a copy was taken at construction).</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>Whether each weight is prunable.</summary>
    public ReadOnlySpan<bool> Prunable => _prunable;

    /// <summary>k = ceil(ρ·D_p − 1e-9): the number of prunable weights kept at kept fraction ρ.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keptFraction"/> is outside [0, 1] or NaN.</exception>
    public int KeptCount(double keptFraction)
    {
        Preconditions.CheckFraction(keptFraction);
        return Math.Clamp((int)Math.Ceiling(keptFraction * PrunableCount - 1e-9), 0, PrunableCount);
    }

    /// <summary>R(k) = ‖w* − w^k‖₂ when the k largest prunable weights are kept (k in [0, D_p]).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keptCount"/> is outside [0, D_p].</exception>
    public double DistanceAtCount(int keptCount)
    {
        if (keptCount < 0 || keptCount > PrunableCount)
            throw new ArgumentOutOfRangeException(nameof(keptCount), keptCount, $"keptCount must lie in [0, {PrunableCount}].");
        return Math.Sqrt(_tailSquares[keptCount]);
    }

    /// <summary>
    /// R(ρ) = ‖w* − w^k‖₂ at kept fraction ρ: exact at integer k = ρ·D_p, linear in k between integers.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keptFraction"/> is outside [0, 1] or NaN.</exception>
    public double Distance(double keptFraction)
    {
        Preconditions.CheckFraction(keptFraction);
        return DistanceUnchecked(keptFraction);
    }

    internal double DistanceUnchecked(double keptFraction)
    {
        double x = keptFraction * PrunableCount;
        int k0 = Math.Min((int)Math.Floor(x), PrunableCount);
        if (k0 >= PrunableCount) return 0.0;
        double t = x - k0;
        double r0 = Math.Sqrt(_tailSquares[k0]), r1 = Math.Sqrt(_tailSquares[k0 + 1]);
        return r0 + t * (r1 - r0);
    }

    /// <summary>
    /// The mask keeping k = ceil(ρ·D_p − 1e-9) largest prunable |w| (ties: lower index first) plus every non-prunable weight.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keptFraction"/> is outside [0, 1] or NaN.</exception>
    public bool[] KeepMask(double keptFraction) => KeepMaskForCount(KeptCount(keptFraction));

    /// <summary>The mask keeping the <paramref name="keptCount"/> largest prunable weights plus every non-prunable weight.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keptCount"/> is outside [0, D_p].</exception>
    public bool[] KeepMaskForCount(int keptCount)
    {
        var mask = new bool[Count];
        FillKeepMask(keptCount, mask);
        return mask;
    }

    /// <summary>Writes the keep mask for <paramref name="keptCount"/> into <paramref name="destination"/> (length D).</summary>
    /// <exception cref="ArgumentException">Wrong destination length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keptCount"/> is outside [0, D_p].</exception>
    public void FillKeepMask(int keptCount, Span<bool> destination)
    {
        if (keptCount < 0 || keptCount > PrunableCount)
            throw new ArgumentOutOfRangeException(nameof(keptCount), keptCount, $"keptCount must lie in [0, {PrunableCount}].");
        Preconditions.CheckLength(destination.Length, Count, nameof(destination), "one flag per weight");
        for (int i = 0; i < Count; i++) destination[i] = !_prunable[i];
        for (int k = 0; k < keptCount; k++) destination[_keepOrder[k]] = true;
    }

    /// <summary>Writes the magnitude-pruned weights w^k (kept weights unchanged, pruned ones 0) for <paramref name="keptCount"/>.</summary>
    /// <exception cref="ArgumentException">Wrong destination length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keptCount"/> is outside [0, D_p].</exception>
    public void Prune(int keptCount, Span<double> destination)
    {
        if (keptCount < 0 || keptCount > PrunableCount)
            throw new ArgumentOutOfRangeException(nameof(keptCount), keptCount, $"keptCount must lie in [0, {PrunableCount}].");
        Preconditions.CheckLength(destination.Length, Count, nameof(destination), "one entry per weight");
        _weights.CopyTo(destination);
        for (int k = keptCount; k < PrunableCount; k++) destination[_keepOrder[k]] = 0.0;
    }
}
