/** A fixed-size placeholder, so nothing jumps when the data arrives. */
export function Skeleton({
  width = '100%',
  height = 16,
  radius = 6,
}: {
  width?: number | string;
  height?: number;
  radius?: number;
}) {
  return <span className="skeleton" aria-hidden="true" style={{ width, height, borderRadius: radius }} />;
}

/** A loading region with the given number of rows of a fixed height, announced once as "Loading…". */
export function SkeletonRows({
  rows = 4,
  height = 52,
  label = 'Loading…',
}: {
  rows?: number;
  height?: number;
  label?: string;
}) {
  return (
    <div className="skeleton-rows" aria-busy="true">
      <span className="sr-only" role="status">
        {label}
      </span>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={height} radius={8} />
      ))}
    </div>
  );
}
