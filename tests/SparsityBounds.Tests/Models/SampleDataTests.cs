using SparsityBounds.Models;

namespace SparsityBounds.Tests.Models;

[TestFixture]
public class SampleDataTests
{
    [Test]
    public void Digits_HasTheDocumentedShapeAndScale()
    {
        Dataset digits = SampleData.Digits();
        Assert.That(digits.Count, Is.EqualTo(1797));
        Assert.That(digits.FeatureCount, Is.EqualTo(64));
        Assert.That(digits.ClassCount, Is.EqualTo(10));
        int[] labels = digits.GetLabels();
        int[] perClass = Enumerable.Range(0, 10).Select(c => labels.Count(y => y == c)).ToArray();
        Assert.That(perClass.Min(), Is.EqualTo(174));
        Assert.That(perClass.Max(), Is.EqualTo(183));
        double min = double.MaxValue, max = double.MinValue;
        for (int i = 0; i < digits.Count; i++)
            foreach (double x in digits.GetFeatures(i)) { min = Math.Min(min, x); max = Math.Max(max, x); }
        Assert.That(min, Is.EqualTo(0.0));
        Assert.That(max, Is.EqualTo(1.0));
    }

    [Test]
    public void Digits_FirstRowMatchesTheShippedFile()
    {
        // First line of digits.csv.gz: 64 pixels (0..16) then the label 0.
        int[] pixels = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0,
                        0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0];
        Dataset digits = SampleData.Digits();
        Assert.That(digits.GetFeatures(0).ToArray(), Is.EqualTo(pixels.Select(p => p / 16.0).ToArray()));
        Assert.That(digits.GetLabel(0), Is.EqualTo(0));
        Assert.That(SampleData.Digits(), Is.SameAs(digits));
    }
}
