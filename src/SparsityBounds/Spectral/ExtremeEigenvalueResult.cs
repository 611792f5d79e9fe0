using System.Collections.ObjectModel;

namespace SparsityBounds.Spectral;

/// <summary>Extreme eigenvalues found by <see cref="ExtremeEigenvalues.Compute"/>, with their diagnostics.</summary>
public sealed class ExtremeEigenvalueResult
{
    private readonly double[][]? _vectors;

    internal ExtremeEigenvalueResult(SpectrumEnd end, double[] values, double[] residualNorms, double[][]? vectors,
        bool converged, int operatorApplications, int restarts, double normEstimate)
    {
        End = end;
        Values = Array.AsReadOnly(values);
        ResidualNorms = Array.AsReadOnly(residualNorms);
        _vectors = vectors;
        Converged = converged;
        OperatorApplications = operatorApplications;
        Restarts = restarts;
        NormEstimate = normEstimate;
    }

    /// <summary>Which end was searched.</summary>
    public SpectrumEnd End { get; }

    /// <summary>The Ritz values from the requested end inward: descending for <see cref="SpectrumEnd.Largest"/>, ascending for <see cref="SpectrumEnd.Smallest"/>.</summary>
    public ReadOnlyCollection<double> Values { get; }

    /// <summary>Residual norms ‖Ay − θy‖ of the Ritz pairs, aligned with <see cref="Values"/> (from the Lanczos relation, not recomputed).</summary>
    public ReadOnlyCollection<double> ResidualNorms { get; }

    /// <summary>True when every residual is within the tolerance.</summary>
    public bool Converged { get; }

    /// <summary>Operator applications used.</summary>
    public int OperatorApplications { get; }

    /// <summary>Thick restarts performed.</summary>
    public int Restarts { get; }

    /// <summary>Lower bound on ‖A‖₂ gathered on the way (the scale of the tolerance).</summary>
    public double NormEstimate { get; }

    /// <summary>True when Ritz vectors were requested (<see cref="ExtremeEigenvalueOptions.ComputeVectors"/>).</summary>
    public bool HasVectors => _vectors is not null;

    /// <summary>Unit Ritz vector of <see cref="Values"/>[<paramref name="index"/>].</summary>
    /// <exception cref="InvalidOperationException">Vectors were not requested.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public ReadOnlySpan<double> Vector(int index)
    {
        if (_vectors is null) throw new InvalidOperationException("Ritz vectors were not computed: set ExtremeEigenvalueOptions.ComputeVectors.");
        if ((uint)index >= (uint)_vectors.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must lie in [0, {_vectors.Length}); got {index}.");
        return _vectors[index];
    }
}
