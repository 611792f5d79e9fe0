using System.Runtime.InteropServices;
using SparsityBounds.Numerics;

namespace SparsityBounds.Models;

/// <summary>
/// Training samples for an <see cref="MlpObjective"/>: a feature matrix (one sample a row) with either integer
/// class labels (classification) or a target matrix (regression). The data are copied on construction; the
/// instance is immutable and thread-safe.
/// </summary>
public sealed class Dataset
{
    private readonly double[] _features;
    private readonly int[]? _labels;
    private readonly double[]? _targets;

    /// <summary>A classification dataset.</summary>
    /// <param name="features">[samples × features], every entry finite, at least one row and one column.</param>
    /// <param name="labels">One class label ≥ 0 per sample (the model's output width bounds them; checked by <see cref="MlpObjective"/>).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Empty features, a non-finite feature, a label count other than the row count, or a negative label.</exception>
    public Dataset(double[,] features, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        _features = CopyFeatures(features, out int count, out int featureCount);
        if (labels.Length != count)
            throw new ArgumentException($"labels has length {labels.Length}; features has {count} rows.", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0)
                throw new ArgumentException($"labels[{i}] is {labels[i]}; class labels must be >= 0.", nameof(labels));
        _labels = (int[])labels.Clone();
        Count = count;
        FeatureCount = featureCount;
        ClassCount = _labels.Max() + 1;
    }

    /// <summary>A regression dataset.</summary>
    /// <param name="features">[samples × features], every entry finite, at least one row and one column.</param>
    /// <param name="targets">[samples × outputs], every entry finite; its width must equal the model's output width.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Empty input, a non-finite entry, or a row count mismatch.</exception>
    public Dataset(double[,] features, double[,] targets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        _features = CopyFeatures(features, out int count, out int featureCount);
        if (targets.GetLength(0) != count)
            throw new ArgumentException($"targets has {targets.GetLength(0)} rows; features has {count}.", nameof(targets));
        if (targets.GetLength(1) == 0)
            throw new ArgumentException("targets must have at least one column.", nameof(targets));
        _targets = Flatten(targets);
        int bad = Preconditions.IndexOfNonFinite(_targets);
        if (bad >= 0)
            throw new ArgumentException(
                $"targets[{bad / targets.GetLength(1)}, {bad % targets.GetLength(1)}] is {Preconditions.Format(_targets[bad])}; every target must be finite.",
                nameof(targets));
        Count = count;
        FeatureCount = featureCount;
        TargetCount = targets.GetLength(1);
    }

    private Dataset(double[] features, int featureCount, int[]? labels, double[]? targets, int targetCount, int count)
    {
        _features = features;
        _labels = labels;
        _targets = targets;
        FeatureCount = featureCount;
        TargetCount = targetCount;
        Count = count;
        ClassCount = labels is null ? 0 : labels.Max() + 1;
    }

    /// <summary>Number of samples N.</summary>
    public int Count { get; }

    /// <summary>Features per sample (must equal the model's input width).</summary>
    public int FeatureCount { get; }

    /// <summary>True for a labelled (classification) dataset, false for a regression dataset.</summary>
    public bool IsClassification => _labels is not null;

    /// <summary>Largest label + 1 for classification; 0 for regression.</summary>
    public int ClassCount { get; }

    /// <summary>Target width for regression; 0 for classification.</summary>
    public int TargetCount { get; }

    /// <summary>The features of sample <paramref name="sample"/> (a read-only view).</summary>
    public ReadOnlySpan<double> GetFeatures(int sample)
    {
        CheckSample(sample);
        return _features.AsSpan(sample * FeatureCount, FeatureCount);
    }

    /// <summary>The label of sample <paramref name="sample"/>.</summary>
    /// <exception cref="InvalidOperationException">The dataset is a regression dataset.</exception>
    public int GetLabel(int sample)
    {
        CheckSample(sample);
        return _labels is null ? throw new InvalidOperationException("A regression dataset has no labels.") : _labels[sample];
    }

    /// <summary>The targets of sample <paramref name="sample"/> (a read-only view).</summary>
    /// <exception cref="InvalidOperationException">The dataset is a classification dataset.</exception>
    public ReadOnlySpan<double> GetTargets(int sample)
    {
        CheckSample(sample);
        return _targets is null ? throw new InvalidOperationException("A classification dataset has no targets.") : _targets.AsSpan(sample * TargetCount, TargetCount);
    }

    /// <summary>A copy of all labels (classification only).</summary>
    /// <exception cref="InvalidOperationException">The dataset is a regression dataset.</exception>
    public int[] GetLabels() =>
        _labels is null ? throw new InvalidOperationException("A regression dataset has no labels.") : (int[])_labels.Clone();

    /// <summary>The samples at <paramref name="indices"/>, in that order (repeats allowed), as a new dataset:
    /// for train/test splits and subsampling.</summary>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is empty or holds an index outside [0, Count).</exception>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        if (indices.IsEmpty) throw new ArgumentException("indices must not be empty.", nameof(indices));
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentException($"indices[{i}] is {indices[i]}; sample indices must lie in [0, {Count}).", nameof(indices));
        var features = new double[indices.Length * FeatureCount];
        int[]? labels = _labels is null ? null : new int[indices.Length];
        double[]? targets = _targets is null ? null : new double[indices.Length * TargetCount];
        for (int i = 0; i < indices.Length; i++)
        {
            int s = indices[i];
            _features.AsSpan(s * FeatureCount, FeatureCount).CopyTo(features.AsSpan(i * FeatureCount));
            if (labels is not null) labels[i] = _labels![s];
            if (targets is not null) _targets.AsSpan(s * TargetCount, TargetCount).CopyTo(targets.AsSpan(i * TargetCount));
        }
        return new Dataset(features, FeatureCount, labels, targets, TargetCount, indices.Length);
    }

    internal ReadOnlySpan<double> FeatureSpan => _features;

    internal SampleSet ToSampleSet(int outputWidth) =>
        new(_features, FeatureCount, _labels, _targets, _targets is null ? outputWidth : TargetCount, Count);

    internal static Dataset FromFlat(double[] features, int featureCount, int[] labels) =>
        new(features, featureCount, labels, null, 0, labels.Length);

    private void CheckSample(int sample)
    {
        if ((uint)sample >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(sample), sample, $"sample must lie in [0, {Count}); got {sample}.");
    }

    private static double[] CopyFeatures(double[,] features, out int count, out int featureCount)
    {
        count = features.GetLength(0);
        featureCount = features.GetLength(1);
        if (count == 0 || featureCount == 0)
            throw new ArgumentException($"features is {count} × {featureCount}; it needs at least one sample and one feature.", nameof(features));
        double[] flat = Flatten(features);
        int bad = Preconditions.IndexOfNonFinite(flat);
        if (bad >= 0)
            throw new ArgumentException(
                $"features[{bad / featureCount}, {bad % featureCount}] is {Preconditions.Format(flat[bad])}; every feature must be finite.",
                nameof(features));
        return flat;
    }

    private static double[] Flatten(double[,] matrix)
    {
        var flat = new double[matrix.Length];
        if (flat.Length > 0) MemoryMarshal.CreateReadOnlySpan(ref matrix[0, 0], matrix.Length).CopyTo(flat);
        return flat;
    }
}
