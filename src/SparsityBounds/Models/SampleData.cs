using System.Reflection;

namespace SparsityBounds.Models;

/// <summary>Small datasets shipped inside the library (no download needed).</summary>
public static class SampleData
{
    internal const string DigitsResourceName = "SparsityBounds.Data.digits.csv.gz";

    private static readonly Lazy<Dataset> DigitsData = new(LoadDigits, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Optical Recognition of Handwritten Digits, the 1,797-sample test part: 8 × 8 images (64 features, pixel
    /// intensities 0..16 scaled by 1/16 to [0, 1], row by row) with labels 0..9 (174 to 183 samples per class).
    /// </summary>
    /// <remarks>
    /// Source and licence: Alpaydin, E. &amp; Kaynak, C. (1998). Optical Recognition of Handwritten Digits. UCI Machine
    /// Learning Repository, doi:10.24432/C50P49. Licensed under Creative Commons Attribution 4.0 (CC BY 4.0). The data are
    /// shipped unchanged (as CSV, 64 pixel values then the label) as an embedded resource; see Data/README.md in the source.
    /// The same instance is returned on every call (datasets are immutable).
    /// </remarks>
    public static Dataset Digits() => DigitsData.Value;

    private static Dataset LoadDigits()
    {
        Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(DigitsResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DigitsResourceName} is missing from the assembly.");
        using TextReader reader = DatasetCsv.OpenStream(stream, gzip: true);
        return DatasetCsv.ReadClassification(reader, featureScale: 1.0 / 16.0, hasHeader: false, sourceName: "digits.csv.gz");
    }
}
