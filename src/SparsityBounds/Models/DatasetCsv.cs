using System.Globalization;
using System.IO.Compression;

namespace SparsityBounds.Models;

/// <summary>
/// Reads datasets from comma-separated text: one sample a line, the features first, then the label
/// (classification) or the targets (regression). Blank lines are skipped. Files ending in <c>.gz</c> are
/// decompressed on the fly. A malformed line raises a <see cref="FormatException"/> that names the source,
/// the line number and what was wrong.
/// </summary>
public static class DatasetCsv
{
    /// <summary>Reads a classification dataset: every line holds the features and then an integer label ≥ 0.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="featureScale">Every feature is multiplied by this (e.g. 1/16 for 4-bit pixels); finite and &gt; 0.</param>
    /// <param name="hasHeader">Skip the first line.</param>
    /// <param name="sourceName">Name used in error messages (a file name).</param>
    /// <exception cref="FormatException">A line with a different field count, a field that is not a finite number, or a label that is not an integer ≥ 0; or no data lines.</exception>
    public static Dataset ReadClassification(TextReader reader, double featureScale = 1.0, bool hasHeader = false, string sourceName = "CSV input")
    {
        ArgumentNullException.ThrowIfNull(reader);
        CheckScale(featureScale);
        var features = new List<double>();
        var labels = new List<int>();
        int featureCount = Read(reader, hasHeader, sourceName, targetColumns: 1, (fields, line) =>
        {
            string text = fields[^1].Trim();
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int label))
                throw new FormatException($"{sourceName} line {line}: the label (last field) '{text}' is not an integer.");
            if (label < 0)
                throw new FormatException($"{sourceName} line {line}: the label {label} is negative; labels must be integers >= 0.");
            labels.Add(label);
            ParseFeatures(fields, fields.Length - 1, featureScale, features, sourceName, line);
        });
        return Dataset.FromFlat(features.ToArray(), featureCount, labels.ToArray());
    }

    /// <summary>Reads a regression dataset: every line holds the features and then <paramref name="targetCount"/> targets.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="targetCount">Number of trailing target columns, &gt; 0.</param>
    /// <param name="featureScale">Every feature (not target) is multiplied by this; finite and &gt; 0.</param>
    /// <param name="hasHeader">Skip the first line.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <exception cref="FormatException">A malformed line (see <see cref="ReadClassification"/>), or no data lines.</exception>
    public static Dataset ReadRegression(TextReader reader, int targetCount, double featureScale = 1.0, bool hasHeader = false, string sourceName = "CSV input")
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (targetCount <= 0) throw new ArgumentOutOfRangeException(nameof(targetCount), targetCount, $"targetCount must be > 0; got {targetCount}.");
        CheckScale(featureScale);
        var features = new List<double>();
        var targets = new List<double>();
        int featureCount = Read(reader, hasHeader, sourceName, targetCount, (fields, line) =>
        {
            ParseFeatures(fields, fields.Length - targetCount, featureScale, features, sourceName, line);
            for (int j = fields.Length - targetCount; j < fields.Length; j++) targets.Add(ParseNumber(fields[j], j, sourceName, line));
        });
        int count = targets.Count / targetCount;
        var f = new double[count, featureCount];
        var t = new double[count, targetCount];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < featureCount; j++) f[i, j] = features[i * featureCount + j];
            for (int j = 0; j < targetCount; j++) t[i, j] = targets[i * targetCount + j];
        }
        return new Dataset(f, t);
    }

    /// <summary>Loads a classification dataset from a file (gzip-compressed when the name ends in <c>.gz</c>).</summary>
    /// <exception cref="FormatException">A malformed line.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Dataset LoadClassification(string path, double featureScale = 1.0, bool hasHeader = false)
    {
        using TextReader reader = Open(path);
        return ReadClassification(reader, featureScale, hasHeader, Path.GetFileName(path));
    }

    /// <summary>Loads a regression dataset from a file (gzip-compressed when the name ends in <c>.gz</c>).</summary>
    /// <exception cref="FormatException">A malformed line.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Dataset LoadRegression(string path, int targetCount, double featureScale = 1.0, bool hasHeader = false)
    {
        using TextReader reader = Open(path);
        return ReadRegression(reader, targetCount, featureScale, hasHeader, Path.GetFileName(path));
    }

    internal static TextReader OpenStream(Stream stream, bool gzip) =>
        new StreamReader(gzip ? new GZipStream(stream, CompressionMode.Decompress) : stream);

    private static TextReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return OpenStream(File.OpenRead(path), path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
    }

    // Returns the feature count; calls row(fields, lineNumber) for each data line.
    private static int Read(TextReader reader, bool hasHeader, string sourceName, int targetColumns, Action<string[], int> row)
    {
        int lineNumber = 0, expectedFields = -1;
        string? line;
        if (hasHeader && reader.ReadLine() is not null) lineNumber++;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string[] fields = line.Split(',');
            if (expectedFields < 0)
            {
                if (fields.Length <= targetColumns)
                    throw new FormatException($"{sourceName} line {lineNumber}: {fields.Length} field(s); need at least one feature and {targetColumns} label/target column(s).");
                expectedFields = fields.Length;
            }
            else if (fields.Length != expectedFields)
            {
                throw new FormatException($"{sourceName} line {lineNumber}: {fields.Length} fields; expected {expectedFields} like the first data line ({expectedFields - targetColumns} features and {targetColumns} label/target column(s)).");
            }
            row(fields, lineNumber);
        }
        if (expectedFields < 0) throw new FormatException($"{sourceName}: no data lines.");
        return expectedFields - targetColumns;
    }

    private static void ParseFeatures(string[] fields, int count, double scale, List<double> destination, string sourceName, int line)
    {
        for (int j = 0; j < count; j++) destination.Add(scale * ParseNumber(fields[j], j, sourceName, line));
    }

    private static double ParseNumber(string field, int column, string sourceName, int line)
    {
        string text = field.Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new FormatException($"{sourceName} line {line}, field {column + 1}: '{text}' is not a number.");
        if (!double.IsFinite(value))
            throw new FormatException($"{sourceName} line {line}, field {column + 1}: '{text}' is not finite.");
        return value;
    }

    private static void CheckScale(double featureScale)
    {
        if (!double.IsFinite(featureScale) || featureScale <= 0)
            throw new ArgumentOutOfRangeException(nameof(featureScale), featureScale, $"featureScale must be finite and > 0; got {featureScale.ToString("R", CultureInfo.InvariantCulture)}.");
    }
}
