/**
 * Benchmark results: every scenario returns tables of rows; they are printed
 * as markdown and written as JSON.
 */

export type Cell = string | number | boolean | null

export type Row = Record<string, Cell>

export interface Table {
  /** A markdown heading for the table */
  title: string
  /** Column keys in order; a row's missing key prints as an empty cell */
  columns: string[]
  rows: Row[]
  /** Lines printed under the table (caps, methods, oddities) */
  notes?: string[]
}

/** A number as a table shows it: integers as they are, others to 3 significant decimals */
export function formatCell (value: Cell | undefined): string {
  if (value == null) {
    return ''
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      return String(value)
    }
    if (Number.isInteger(value)) {
      return String(value)
    }
    const abs = Math.abs(value)
    return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2)
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no'
  }
  return value.replaceAll('|', '\\|')
}

export function renderTable (table: Table): string {
  const lines = [`### ${table.title}`, '']
  lines.push(`| ${table.columns.join(' | ')} |`)
  lines.push(`| ${table.columns.map(() => '---').join(' | ')} |`)
  for (const row of table.rows) {
    lines.push(`| ${table.columns.map(column => formatCell(row[column])).join(' | ')} |`)
  }
  for (const note of table.notes ?? []) {
    lines.push('', `- ${note}`)
  }
  return lines.join('\n')
}

/** `a / b` rounded to 2 decimals, or null when it means nothing */
export function ratio (a: number, b: number): number | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) {
    return null
  }
  return Math.round((a / b) * 100) / 100
}

/** Milliseconds to 0.1 ms */
export function round (ms: number): number {
  return Math.round(ms * 10) / 10
}

/** The middle value (the upper one of an even count) */
export function median (values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]
}

/** Milliseconds since `start` (a `performance.now()` value), to 0.1 ms */
export function since (start: number): number {
  return round(performance.now() - start)
}

/**
 * How `value` stands against a target and a limit: 'target met', 'within the limit, target
 * missed' or 'MISSED' ('n/a' without a value). `lowerIsBetter` for times and
 * sizes, false for speed-ups.
 */
export function verdict (value: number | null, target: number, limit: number, lowerIsBetter = true): string {
  if (value == null) {
    return 'n/a'
  }
  const meets = (bound: number): boolean => lowerIsBetter ? value <= bound : value >= bound
  if (meets(target)) {
    return 'target met'
  }
  return meets(limit) ? 'within the limit, target missed' : 'MISSED'
}
