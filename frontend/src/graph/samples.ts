/** Column names and dtypes of the bundled sample datasets (ingest.sample), for column pickers. */

import type { ColumnInfo } from './types';

type Pairs = [string, string][];

const pixels: Pairs = Array.from({ length: 64 }, (_, i): [string, string] => [
  `pixel_${Math.floor(i / 8)}_${i % 8}`,
  'float64',
]);

const SAMPLES: Record<string, Pairs> = {
  iris: [
    ['sepal length (cm)', 'float64'],
    ['sepal width (cm)', 'float64'],
    ['petal length (cm)', 'float64'],
    ['petal width (cm)', 'float64'],
    ['target', 'int64'],
  ],
  wine: [
    ['alcohol', 'float64'],
    ['malic_acid', 'float64'],
    ['ash', 'float64'],
    ['alcalinity_of_ash', 'float64'],
    ['magnesium', 'float64'],
    ['total_phenols', 'float64'],
    ['flavanoids', 'float64'],
    ['nonflavanoid_phenols', 'float64'],
    ['proanthocyanins', 'float64'],
    ['color_intensity', 'float64'],
    ['hue', 'float64'],
    ['od280/od315_of_diluted_wines', 'float64'],
    ['proline', 'float64'],
    ['target', 'int64'],
  ],
  breast_cancer: [
    ['mean radius', 'float64'],
    ['mean texture', 'float64'],
    ['mean perimeter', 'float64'],
    ['mean area', 'float64'],
    ['mean smoothness', 'float64'],
    ['mean compactness', 'float64'],
    ['mean concavity', 'float64'],
    ['mean concave points', 'float64'],
    ['mean symmetry', 'float64'],
    ['mean fractal dimension', 'float64'],
    ['radius error', 'float64'],
    ['texture error', 'float64'],
    ['perimeter error', 'float64'],
    ['area error', 'float64'],
    ['smoothness error', 'float64'],
    ['compactness error', 'float64'],
    ['concavity error', 'float64'],
    ['concave points error', 'float64'],
    ['symmetry error', 'float64'],
    ['fractal dimension error', 'float64'],
    ['worst radius', 'float64'],
    ['worst texture', 'float64'],
    ['worst perimeter', 'float64'],
    ['worst area', 'float64'],
    ['worst smoothness', 'float64'],
    ['worst compactness', 'float64'],
    ['worst concavity', 'float64'],
    ['worst concave points', 'float64'],
    ['worst symmetry', 'float64'],
    ['worst fractal dimension', 'float64'],
    ['target', 'int64'],
  ],
  diabetes: [
    ['age', 'float64'],
    ['sex', 'float64'],
    ['bmi', 'float64'],
    ['bp', 'float64'],
    ['s1', 'float64'],
    ['s2', 'float64'],
    ['s3', 'float64'],
    ['s4', 'float64'],
    ['s5', 'float64'],
    ['s6', 'float64'],
    ['target', 'float64'],
  ],
  digits: [...pixels, ['target', 'int64']],
};

/** The columns of a sample dataset (label in "target"), or undefined for an unknown name. */
export function sampleColumns(name: string): ColumnInfo[] | undefined {
  return SAMPLES[name]?.map(([column, dtype]) => ({ name: column, dtype }));
}
