import { elementText, soapOperation } from './soap.scanner';

describe('soapOperation', () => {
  it('finds the operation whatever the prefixes', () => {
    expect(
      soapOperation(
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>',
      ),
    ).toBe('GetSystemDateAndTime');
    expect(
      soapOperation(
        '<soap:Envelope xmlns:soap="x"><soap:Header><wsse:Security><wsse:UsernameToken/></wsse:Security></soap:Header>\n<soap:Body >\n  <!-- c --> <tptz:GetStatus xmlns:tptz="y"><tptz:ProfileToken>P</tptz:ProfileToken></tptz:GetStatus></soap:Body></soap:Envelope>',
      ),
    ).toBe('GetStatus');
    expect(soapOperation('<Envelope><Body><ns0:GetProfiles/></Body></Envelope>')).toBe('GetProfiles');
  });

  it('returns null for an empty or missing Body', () => {
    expect(soapOperation('<s:Envelope><s:Body></s:Body></s:Envelope>')).toBeNull();
    expect(soapOperation('<s:Envelope><s:Body/></s:Envelope>')).toBeNull();
    expect(soapOperation('not xml at all')).toBeNull();
  });

  it('does not mistake a longer name ending in Body for the Body', () => {
    expect(soapOperation('<x:Envelope><x:SomeBody>no</x:SomeBody><x:Body><A/></x:Body></x:Envelope>')).toBe('A');
  });
});

describe('elementText', () => {
  it('reads text by local name, unescaped, skipping longer names', () => {
    const xml = '<w:UsernameToken><w:Username>a&amp;b</w:Username><w:Password Type="t">pw</w:Password></w:UsernameToken>';
    expect(elementText(xml, 'Username')).toBe('a&b');
    expect(elementText(xml, 'Password')).toBe('pw');
    expect(elementText(xml, 'Nonce')).toBeNull();
  });
});
