// Entity types as the popup and options page show them. The colour groups
// follow the core's wrapper styles (www/core/internal/styles.js): people
// blue, places green, organisations and media amber, the rest purple.

const GROUPS = {
  person: 'person',
  country: 'place',
  city: 'place',
  region: 'place',
  organisation: 'organisation',
  media: 'organisation',
};

export function typeGroup(type) {
  return GROUPS[type] ?? 'other';
}

export function typeLabel(type) {
  return type.charAt(0).toUpperCase() + type.slice(1);
}
