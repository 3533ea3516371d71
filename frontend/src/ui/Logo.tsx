export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#0f4c5c" />
      <path
        d="M7 9c6 0 6 7 12 7h6M7 23c6 0 6-7 12-7"
        fill="none"
        stroke="#7fd1c7"
        strokeWidth="3"
        strokeLinecap="round"
      />
      <circle cx="25" cy="16" r="2.5" fill="#ffffff" />
    </svg>
  );
}
